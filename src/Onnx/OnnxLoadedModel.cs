using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using RepLens.Abstractions;
using RepLens.Abstractions.ReceptiveFields;
using RepLens.Onnx.Extraction;
using RepLens.Onnx.Graph;
using RepLens.Onnx.Images;
using RepLens.Imaging;
using RepLens.Onnx.Layers;
using RepLens.Onnx.ReceptiveFields;

namespace RepLens.Onnx;

/// <summary>
/// An ONNX model opened for extraction — the <see cref="ILoadedModel"/> that ONNX model plugins
/// (ResNet, ViT, CLIP) return. Opening reads the file, names its layers (see
/// <see cref="ILayerNamingStrategy"/>), resolves the preprocessing (<see cref="PreprocessingResolver"/>)
/// and runs the network once on a constant image (batch 1, the crop size) to learn every layer's shape
/// and type, which works for any operator ONNX Runtime can run. <see cref="Extract"/> rewrites the graph
/// for the requested layers and builds the ML.NET pipeline: <see cref="StimulusImageEstimator"/>
/// (torchvision-exact decode, resize, crop) → <c>ExtractPixels</c> → <see cref="OnnxLayerScoringEstimator"/>
/// (the rewritten graph, per-channel normalisation included; used instead of ML.NET's
/// <c>ApplyOnnxModel</c>, which keeps every row's ONNX Runtime outputs alive) → one
/// <c>VBuffer&lt;float&gt;</c> column per layer. Convolutional networks also give back-projection plans
/// of their layers and run on tensors in their input space (<see cref="IBackProjectableModel"/>).
/// </summary>
public sealed class OnnxLoadedModel : IBackProjectableModel
{
    private const string FingerprintVersion = "replens-onnx/1";

    private readonly OnnxNetwork _network;
    private readonly Dictionary<string, LayerState> _states;
    private readonly int _prefixTokens;
    private readonly Proto.ModelProto? _inputAdapter;
    private readonly List<IDisposable> _owned = new();
    private readonly object _gate = new();
    private bool _disposed;

    private OnnxLoadedModel(string name, OnnxModelSettings settings, OnnxNetwork network, Preprocessing preprocessing,
        ILayerNamingStrategy naming, IReadOnlyList<LayerDescription> layers, Dictionary<string, LayerState> states, string fingerprint, int prefixTokens,
        Proto.ModelProto? inputAdapter)
    {
        _inputAdapter = inputAdapter;
        _prefixTokens = prefixTokens;
        Name = name;
        Family = settings.Family;
        _network = network;
        Preprocessing = preprocessing;
        Naming = naming;
        Layers = layers;
        _states = states;
        Fingerprint = fingerprint;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Family { get; }

    /// <inheritdoc />
    public Preprocessing Preprocessing { get; }

    /// <inheritdoc />
    public IReadOnlyList<LayerDescription> Layers { get; }

    /// <inheritdoc />
    public string Fingerprint { get; }

    /// <summary>The model file.</summary>
    public string ModelPath => _network.Source;

    /// <summary>The model's image input as declared in the file.</summary>
    public OnnxImageInput ImageInput => _network.ImageInput;

    /// <summary>The strategy that named the layers.</summary>
    public ILayerNamingStrategy Naming { get; }

    /// <summary>The exporter that wrote the file (ONNX <c>producer_name</c>).</summary>
    public string ProducerName => _network.Graph.ProducerName;

    /// <summary>The standard ONNX operator set version of the model.</summary>
    public long OpsetVersion => _network.Graph.OpsetVersion;

    /// <summary>Opens the model a host request names, with a family's settings.</summary>
    /// <param name="request">The request; <see cref="ModelRequest.ModelPath"/> must be set.</param>
    /// <param name="settings">The family's settings.</param>
    public static OnnxLoadedModel Open(ModelRequest request, OnnxModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        if (string.IsNullOrEmpty(request.ModelPath))
            throw new ConfigurationErrorException(request.Options.Path, $"model '{request.Name}' of family '{settings.Family}' needs an ONNX file (no built-in model was named).");
        return Open(request.ModelPath, settings, request.Options, request.Name);
    }

    /// <summary>Opens an ONNX file.</summary>
    /// <param name="modelPath">The .onnx file.</param>
    /// <param name="settings">The family's settings.</param>
    /// <param name="options">Options from the config (see <see cref="OnnxModelSettings.OptionKeys"/>); none when <c>null</c>.</param>
    /// <param name="name">The model's name in outputs; the file name without extension when <c>null</c>.</param>
    public static OnnxLoadedModel Open(string modelPath, OnnxModelSettings settings, PluginOptions? options = null, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(settings);
        options ??= PluginOptions.Empty;
        options.ThrowIfUnknown(settings.OptionKeys.ToArray());
        name ??= Path.GetFileNameWithoutExtension(modelPath);

        var network = OnnxNetwork.Load(modelPath);
        return Create(network, settings, options, name);
    }

    private static OnnxLoadedModel Create(OnnxNetwork network, OnnxModelSettings settings, PluginOptions options, string name)
    {
        var graph = network.Graph;
        var naming = ChooseNaming(settings, options, graph);
        var candidates = naming.FindLayers(graph);
        if (candidates.Count == 0)
            throw new InvalidDataException($"'{network.Source}': found no layers (no node computes on the image input '{network.ImageInput.Name}').");

        PluginOptions? metadata = null;
        if (graph.Metadata.TryGetValue(PreprocessingResolver.MetadataKey, out var json))
        {
            try
            {
                using var doc = JsonDocument.Parse(json);
                metadata = new PluginOptions(doc.RootElement.Clone(), $"'{network.Source}' metadata {PreprocessingResolver.MetadataKey}", Path.GetDirectoryName(network.Source) ?? ".");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"'{network.Source}': metadata '{PreprocessingResolver.MetadataKey}' is not JSON: {ex.Message}", ex);
            }
        }
        var preprocessing = PreprocessingResolver.Resolve(settings.DefaultPreprocessing, network.ImageInput, metadata, options);

        var shapes = network.ProbeShapes(candidates.Select(c => c.ValueName).ToList(), preprocessing.CropHeight, preprocessing.CropWidth);
        var tokens = TokenSettings.Parse(settings, options);

        var layers = new List<LayerDescription>();
        var states = new Dictionary<string, LayerState>(StringComparer.Ordinal);
        foreach (var c in candidates)
        {
            if (!shapes.TryGetValue(c.ValueName, out var probe) || !TensorTypes.IsFloating(probe.ElementType)) continue;
            var (perStimulus, tokenAxis) = Split(probe.Shape, settings.SupportsTokenPooling);
            var before = new LayerDescription(c.Name, c.ValueName, c.OpType, c.Kind, perStimulus, layers.Count);
            var pooling = tokenAxis >= 0 ? tokens.PoolingFor(before) : TokenPooling.All;
            if (tokenAxis >= 0 && pooling != TokenPooling.All)
            {
                long count = probe.Shape[tokenAxis];
                if (pooling == TokenPooling.Cls && tokens.PrefixTokens < 1)
                    throw new ConfigurationErrorException($"{options.Path}.tokens", $"layer '{c.Name}': 'cls' needs a class token, but prefixTokens is 0.");
                if (pooling == TokenPooling.Mean && count - tokens.PrefixTokens < 1)
                    throw new ConfigurationErrorException($"{options.Path}.prefixTokens", $"layer '{c.Name}' has {count} tokens, none left after {tokens.PrefixTokens} prefix tokens.");
            }
            var shape = tokenAxis >= 0 && pooling != TokenPooling.All ? new[] { perStimulus[^1] } : perStimulus;
            var layer = before with { Shape = shape };
            layers.Add(layer);
            states[c.Name] = new LayerState(layer, probe.ElementType, probe.Shape, tokenAxis, pooling);
        }
        tokens.ThrowIfUnused(layers.Where(l => states[l.Name].TokenAxis >= 0).ToList(), options.Path);

        var (adapter, adapterHash) = LoadInputAdapter(settings);
        var fingerprint = MakeFingerprint(settings, network, preprocessing, naming, tokens, adapterHash);
        return new OnnxLoadedModel(name, settings, network, preprocessing, naming, layers, states, fingerprint, tokens.PrefixTokens, adapter);
    }

    /// <inheritdoc />
    public IReadOnlyList<LayerDescription> SelectLayers(IReadOnlyList<string> selectors)
    {
        ThrowIfDisposed();
        return LayerSelector.Select(Layers, selectors, Name);
    }

    /// <inheritdoc />
    public IDataView Extract(IDataView stimuli, IReadOnlyList<LayerDescription> layers, ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(stimuli);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfDisposed();
        CheckStimulusSchema(stimuli.Schema);
        var states = ResolveLayers(layers);

        var (modelBytes, inputName, plans) = BuildExtractionModel(states);

        var context = new MLContext(seed: 0);
        var imageColumn = FreshColumn(stimuli.Schema, "replens_image", plans);
        var pixelColumn = inputName;
        var order = Preprocessing.ChannelOrder == ChannelOrder.Bgr
            ? ImagePixelExtractingEstimator.ColorsOrder.ABGR
            : ImagePixelExtractingEstimator.ColorsOrder.ARGB;
        var pipeline = context.Transforms.LoadStimulusImages(imageColumn, StimulusColumns.ImagePath, Preprocessing)
            .Append(context.Transforms.ExtractPixels(pixelColumn, imageColumn, ImagePixelExtractingEstimator.ColorBits.Rgb, order,
                interleavePixelColors: false, offsetImage: 0f, scaleImage: 1f, outputAsFloatArray: true));
        return Score(context, pipeline, stimuli, modelBytes, pixelColumn, plans, states, options, new[] { imageColumn, pixelColumn });
    }

    /// <inheritdoc />
    public BackProjectionPlan PlanBackProjection(LayerDescription layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ThrowIfDisposed();
        var state = ResolveLayers(new[] { layer })[0];
        var plan = BackProjectionPlanner.Plan(_network, Name, state.Layer, Preprocessing.CropHeight, Preprocessing.CropWidth);
        if (state.TokenAxis >= 0)
            throw new NotSupportedException($"Model '{Name}', layer '{layer.Name}' is a token layer of a transformer; back-projection applies to convolutional networks.");
        return plan;
    }

    /// <inheritdoc />
    public IDataView ExtractFromInputTensors(IDataView inputs, string inputColumn, IReadOnlyList<LayerDescription> layers, ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentException.ThrowIfNullOrEmpty(inputColumn);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfDisposed();
        var shape = new long[] { 1, 3, Preprocessing.CropHeight, Preprocessing.CropWidth };
        OnnxLayerScoringTransformer.CheckInput(inputs.Schema, inputColumn, shape);
        var states = ResolveLayers(layers);
        var plans = states.Select(s => new LayerOutputPlan(s.Layer.SafeName, s.Layer.NetworkName, s.ElementType, s.FullShape, s.Pooling, s.TokenAxis, _prefixTokens)).ToList();
        var (modelBytes, inputName) = ExtractionGraphBuilder.Build(_network, Preprocessing.CropHeight, Preprocessing.CropWidth, Preprocessing, plans, null, networkInput: true);
        var context = new MLContext(seed: 0);
        var copy = FreshColumn(inputs.Schema, inputName, plans);
        if (copy != inputName)
            throw new ArgumentException($"The input view already has a column '{inputName}'; rename it.", nameof(inputs));
        var pipeline = context.Transforms.CopyColumns(inputName, inputColumn);
        return Score(context, pipeline, inputs, modelBytes, inputName, plans, states, options, new[] { inputName });
    }

    /// <summary>Appends the layer scoring to <paramref name="pipeline"/>, fits it and transforms <paramref name="data"/>.</summary>
    private IDataView Score<T>(MLContext context, IEstimator<T> pipeline, IDataView data, byte[] modelBytes, string inputName,
        List<LayerOutputPlan> plans, IReadOnlyList<LayerState> states, ExtractionOptions options, string[] drop) where T : class, ITransformer
    {
        var gpu = ResolveGpu(options);
        var full = pipeline
            .Append(context.Transforms.ApplyOnnxLayers(modelBytes, inputName, new long[] { 1, 3, Preprocessing.CropHeight, Preprocessing.CropWidth },
                plans.Select((p, i) => new OnnxLayerOutput(p.OutputName, p.OutputShape, ColumnDimensions(states[i].Layer))).ToList(),
                gpu, options.FallbackToCpu, options.OptimizeGraph))
            .Append(context.Transforms.DropColumns(drop));

        ITransformer transformer;
        try
        {
            transformer = full.Fit(data);
        }
        catch (Exception ex) when (gpu is not null && ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"Model '{Name}': ONNX Runtime could not start on GPU {options.GpuDeviceId} ({ex.Message}). GPU extraction needs the GPU build " +
                "of ONNX Runtime (build RepLens with -p:OnnxRuntimeFlavor=gpu) and a CUDA device; leave the GPU setting out to run on the CPU.", ex);
        }
        lock (_gate)
        {
            if (transformer is IDisposable d) _owned.Add(d);
        }
        return transformer.Transform(data);
    }

    /// <summary>The rewritten model for <paramref name="layers"/> (used by Extract; exposed to benchmarks that run it directly).</summary>
    internal (byte[] Model, string InputName, IReadOnlyList<string> OutputNames) BuildExtractionModel(IReadOnlyList<LayerDescription> layers)
    {
        var (bytes, input, plans) = BuildExtractionModel(ResolveLayers(layers));
        return (bytes, input, plans.Select(p => p.OutputName).ToList());
    }

    private (byte[] Model, string InputName, List<LayerOutputPlan> Plans) BuildExtractionModel(IReadOnlyList<LayerState> states)
    {
        var plans = states.Select(s => new LayerOutputPlan(s.Layer.SafeName, s.Layer.NetworkName, s.ElementType, s.FullShape, s.Pooling, s.TokenAxis, _prefixTokens)).ToList();
        var (bytes, input) = ExtractionGraphBuilder.Build(_network, Preprocessing.CropHeight, Preprocessing.CropWidth, Preprocessing, plans, _inputAdapter);
        return (bytes, input, plans);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var d in _owned) d.Dispose();
            _owned.Clear();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Family}, {Layers.Count} layers, {ModelPath})";

    private static int[] ColumnDimensions(LayerDescription layer) => layer.Shape.Count == 0 ? new[] { 1 } : layer.Shape.ToArray();

    /// <summary>
    /// The CUDA device to ask ML.NET for, or <c>null</c> for the CPU. ML.NET's own CPU fallback fails when
    /// the ONNX Runtime build has no CUDA provider at all, so that case is decided here.
    /// </summary>
    private int? ResolveGpu(ExtractionOptions options)
    {
        if (options.GpuDeviceId is null) return null;
        if (CudaAvailable.Value) return options.GpuDeviceId;
        if (options.FallbackToCpu) return null;
        throw new InvalidOperationException(
            $"Model '{Name}': GPU {options.GpuDeviceId} was asked for, but this ONNX Runtime has no CUDA provider (providers: " +
            $"{string.Join(", ", AvailableProviders())}). Build RepLens with -p:OnnxRuntimeFlavor=gpu on a machine with CUDA, allow the CPU fallback, or leave the GPU setting out.");
    }

    private static readonly Lazy<bool> CudaAvailable = new(() => AvailableProviders().Contains("CUDAExecutionProvider"));

    private static string[] AvailableProviders()
    {
        try
        {
            return Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders();
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException or TypeInitializationException)
        {
            return Array.Empty<string>();
        }
    }

    private static ILayerNamingStrategy ChooseNaming(OnnxModelSettings settings, PluginOptions options, OnnxGraph graph)
    {
        var requested = options.GetString("naming");
        var unscoped = settings.UnscopedNaming;
        switch (requested)
        {
            case null or "auto":
                if (settings.Naming is not null) return settings.Naming;
                if (ModulePathNaming.Applies(graph)) return ModulePathNaming.Instance;
                return unscoped is not null && unscoped.CanName(graph) ? unscoped : NodeNameNaming.Instance;
            case "module-path":
                return ModulePathNaming.Instance;
            case "node-name":
                return NodeNameNaming.Instance;
            default:
                if (unscoped is not null && requested == unscoped.Id) return unscoped;
                throw new ConfigurationErrorException($"{options.Path}.naming",
                    $"'{requested}' is not a naming; expected auto, module-path, node-name{(unscoped is null ? "" : " or " + unscoped.Id)}.");
        }
    }

    /// <summary>
    /// Per-stimulus shape of a value computed at batch 1 and, for transformers, its token axis: N×T×D
    /// (batch first) gives tokens on axis 1, T×N×D (sequence first, as in OpenAI CLIP) on axis 0.
    /// </summary>
    private static (int[] PerStimulus, int TokenAxis) Split(long[] shape, bool tokens)
    {
        var dims = shape.Select(d => checked((int)d)).ToList();
        int tokenAxis = -1;
        if (dims.Count > 0 && dims[0] == 1)
        {
            if (tokens && dims.Count == 3 && dims[1] > 1) tokenAxis = 1;
            dims.RemoveAt(0);
        }
        else if (dims.Count >= 2 && dims[1] == 1)
        {
            if (tokens && dims.Count == 3 && dims[0] > 1) tokenAxis = 0;
            dims.RemoveAt(1);
        }
        return (dims.ToArray(), tokenAxis);
    }

    private static (Proto.ModelProto? Model, string Hash) LoadInputAdapter(OnnxModelSettings settings)
    {
        if (settings.InputAdapterPath is null) return (null, "");
        var adapter = OnnxNetwork.Load(settings.InputAdapterPath);
        if (adapter.Model.Graph.Output.Count != 1)
            throw new InvalidDataException($"Input adapter '{settings.InputAdapterPath}' must have one output (the network's input); it has {adapter.Model.Graph.Output.Count}.");
        return (adapter.Model, adapter.ContentHash);
    }

    private static string MakeFingerprint(OnnxModelSettings settings, OnnxNetwork network, Preprocessing preprocessing, ILayerNamingStrategy naming, TokenSettings tokens, string adapterHash)
    {
        var text = string.Join("\n", FingerprintVersion, settings.Family, network.ContentHash, preprocessing.ToString(), naming.Id, tokens.ToString(), adapterHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static void CheckStimulusSchema(DataViewSchema schema)
    {
        foreach (var name in new[] { StimulusColumns.Id, StimulusColumns.ImagePath })
        {
            var column = schema.GetColumnOrNull(name)
                ?? throw new ArgumentException($"The stimulus data has no column '{name}'; its columns are: {string.Join(", ", schema.Select(c => c.Name))}.", "stimuli");
            if (column.Type is not TextDataViewType)
                throw new ArgumentException($"Stimulus column '{name}' must be text, but is {column.Type}.", "stimuli");
        }
    }

    private List<LayerState> ResolveLayers(IReadOnlyList<LayerDescription> layers)
    {
        if (layers.Count == 0) throw new ArgumentException($"Model '{Name}': no layers to extract.", nameof(layers));
        var result = new List<LayerState>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            ArgumentNullException.ThrowIfNull(layer, nameof(layers));
            if (!_states.TryGetValue(layer.Name, out var state) || state.Layer.NetworkName != layer.NetworkName)
                throw new ArgumentException($"Model '{Name}' has no layer '{layer.Name}' (value '{layer.NetworkName}'); nearest names: {LayerSelector.Nearest(Layers, layer.Name)}.", nameof(layers));
            if (!state.Layer.Shape.SequenceEqual(layer.Shape))
                throw new ArgumentException(
                    $"Model '{Name}', layer '{layer.Name}': shape [{string.Join(", ", layer.Shape)}] does not match the model's [{string.Join(", ", state.Layer.Shape)}] (a layer description from another model or other options?).", nameof(layers));
            if (!seen.Add(layer.Name))
                throw new ArgumentException($"Model '{Name}': layer '{layer.Name}' is asked for twice.", nameof(layers));
            result.Add(state);
        }
        return result;
    }

    private static string FreshColumn(DataViewSchema schema, string stem, IReadOnlyList<LayerOutputPlan> plans)
    {
        var name = stem;
        for (int k = 1; schema.GetColumnOrNull(name) is not null || plans.Any(p => p.OutputName == name); k++) name = $"{stem}_{k}";
        return name;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private sealed record LayerState(LayerDescription Layer, int ElementType, long[] FullShape, int TokenAxis, TokenPooling Pooling);
}
