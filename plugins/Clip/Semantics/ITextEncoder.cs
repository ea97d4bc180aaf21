namespace RepLens.Plugins.Clip.Semantics;

/// <summary>A sentence encoder: texts in, one fixed-length vector per text out.</summary>
internal interface ITextEncoder : IDisposable
{
    /// <summary>One line naming the encoder (model, package or file, dimensions).</summary>
    string Description { get; }

    /// <summary>A content hash of everything that determines the vectors (weights, tokenizer, options, runtime version).</summary>
    string Fingerprint { get; }

    /// <summary>The vector length.</summary>
    int Dimensions { get; }

    /// <summary>Encodes one batch; the result is bitwise independent of the other texts of the batch.</summary>
    float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken);

    /// <summary>Only the tokenisation step (for benchmarks): the token count of each text.</summary>
    int[] Tokenize(IReadOnlyList<string> texts);
}
