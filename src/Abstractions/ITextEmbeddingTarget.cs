namespace RepLens.Abstractions;

/// <summary>
/// A configured target whose representation is text semantics (a caption encoder): besides
/// <see cref="IConfiguredTarget.Compute"/>, it embeds arbitrary texts, so that the host and analyses
/// (<c>replens semantics</c>, the distractor experiment) can ask for caption embeddings without knowing
/// the encoder. Found by a type test on the configured target; the host knows no encoder by name.
/// </summary>
public interface ITextEmbeddingTarget : IConfiguredTarget
{
    /// <summary>The length D of every embedding.</summary>
    int Dimensions { get; }

    /// <summary>
    /// One line naming the encoder (model, package or file, dimensions) and how stimulus embeddings are
    /// formed from caption embeddings, for logs, the run manifest and reports.
    /// </summary>
    string EncoderDescription { get; }

    /// <summary>
    /// The embedding of each text (a (texts × <see cref="Dimensions"/>) result, one array per text, in
    /// order). Equal texts get equal (bitwise identical) vectors within and across runs of the same
    /// encoder. Throws <see cref="ArgumentException"/> for an empty or whitespace-only text.
    /// </summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">Cancels long work.</param>
    float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
