using Microsoft.ML;

namespace RepLens.Abstractions;

/// <summary>
/// An opened model: its layers, its preprocessing, and an ML.NET extraction pipeline. Dispose it to
/// release the inference session.
/// </summary>
public interface ILoadedModel : IDisposable
{
    /// <summary>The name the user gave the model.</summary>
    string Name { get; }

    /// <summary>The extractor family id.</summary>
    string Family { get; }

    /// <summary>Preprocessing applied to every stimulus before the network.</summary>
    Preprocessing Preprocessing { get; }

    /// <summary>Every layer the model commits to, in topological order.</summary>
    IReadOnlyList<LayerDescription> Layers { get; }

    /// <summary>
    /// A content fingerprint (hex) of everything that determines the activations apart from the
    /// stimuli: the model file bytes, the preprocessing, and extractor options that change outputs.
    /// </summary>
    string Fingerprint { get; }

    /// <summary>
    /// Resolves layer selectors — exact names (readable or network names), glob patterns
    /// (<c>layer*.relu</c>), op-type filters (<c>op:Relu</c>) or <c>all</c> — to layers in topological
    /// order. An unknown name throws an <see cref="ArgumentException"/> listing the nearest names.
    /// </summary>
    /// <param name="selectors">The selectors from the config or the command line.</param>
    IReadOnlyList<LayerDescription> SelectLayers(IReadOnlyList<string> selectors);

    /// <summary>
    /// Builds the extraction over <paramref name="stimuli"/> (a view with the
    /// <see cref="StimulusColumns"/> columns): the result has one <c>VBuffer&lt;float&gt;</c> column per
    /// layer, named <see cref="LayerDescription.SafeName"/>, of length
    /// <see cref="LayerDescription.FeatureCount"/>, one row per stimulus in input order, and the
    /// <see cref="StimulusColumns.Id"/> column passed through. Lazy: nothing runs until a cursor moves.
    /// Schema problems (missing image column, unknown layer) throw before any compute.
    /// </summary>
    /// <param name="stimuli">The stimulus view.</param>
    /// <param name="layers">Layers from <see cref="SelectLayers"/>.</param>
    /// <param name="options">Run-wide extraction settings.</param>
    IDataView Extract(IDataView stimuli, IReadOnlyList<LayerDescription> layers, ExtractionOptions options);
}
