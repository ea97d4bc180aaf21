using RepLens.Abstractions;

namespace RepLens.Onnx;

/// <summary>
/// Base class of model extractors whose models are ONNX files: a family is its
/// <see cref="OnnxModelSettings"/> (id, default preprocessing, token pooling, naming). Plugins derive
/// from it with a parameterless constructor and register with
/// <c>services.AddModelExtractor&lt;T&gt;(id)</c>. A family with models shipped in a package overrides
/// <see cref="BuiltInModels"/> and <see cref="OpenBuiltIn"/>.
/// </summary>
public abstract class OnnxModelExtractor : IModelExtractor
{
    /// <summary>Creates the extractor.</summary>
    /// <param name="settings">The family's settings.</param>
    protected OnnxModelExtractor(OnnxModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
    }

    /// <summary>The family's settings.</summary>
    public OnnxModelSettings Settings { get; }

    /// <inheritdoc />
    public virtual IReadOnlyList<BuiltInModelInfo> BuiltInModels => Array.Empty<BuiltInModelInfo>();

    /// <inheritdoc />
    public ILoadedModel Open(ModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.BuiltIn is not null) return OpenBuiltIn(request);
        return OnnxLoadedModel.Open(request, Settings);
    }

    /// <summary>Opens a built-in model; the default has none.</summary>
    /// <param name="request">The request naming the built-in model.</param>
    protected virtual ILoadedModel OpenBuiltIn(ModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var known = BuiltInModels.Select(m => m.Name).ToList();
        throw new ConfigurationErrorException(request.Options.Path,
            known.Count == 0
                ? $"family '{Settings.Family}' has no built-in models; give the model's ONNX file."
                : $"'{request.BuiltIn}' is not a built-in model of family '{Settings.Family}'; built-in models: {string.Join(", ", known)}.");
    }
}
