using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Transforms.Image;
using RepLens.Abstractions;

namespace Lab.MyPlugin;

/// <summary>An ONNX network opened by <see cref="MyPluginExtractor"/>: its graph outputs as layers, and the ML.NET extraction pipeline.</summary>
public sealed class MyPluginLoadedModel : ILoadedModel
{
    private const string ImageColumn = "MyPluginImage";
    private readonly MLContext _ml;
    private readonly string _path;
    private readonly string _inputName;
    private readonly int _height;
    private readonly int _width;

    internal MyPluginLoadedModel(MLContext ml, string name, string path, string inputName, int height, int width, IReadOnlyList<LayerDescription> layers)
    {
        _ml = ml;
        _path = path;
        _inputName = inputName;
        _height = height;
        _width = width;
        Name = name;
        Layers = layers;
        Preprocessing = new Preprocessing(Math.Min(height, width), height, width, ResizeInterpolation.Bilinear, 1f / 255f,
            new[] { 0f, 0f, 0f }, new[] { 1f, 1f, 1f }, ChannelOrder.Rgb, "ML.NET ResizeImages (isotropic crop)");
        using var file = File.OpenRead(path);
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(file)) + ";" + Preprocessing;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Family => MyPluginPlugin.Id;

    /// <inheritdoc />
    public Preprocessing Preprocessing { get; }

    /// <inheritdoc />
    public IReadOnlyList<LayerDescription> Layers { get; }

    /// <inheritdoc />
    public string Fingerprint { get; }

    /// <inheritdoc />
    public IReadOnlyList<LayerDescription> SelectLayers(IReadOnlyList<string> selectors)
    {
        ArgumentNullException.ThrowIfNull(selectors);
        if (selectors.Count == 0 || selectors.Contains("all")) return Layers;
        var selected = new List<LayerDescription>();
        foreach (var s in selectors)
        {
            var layer = Layers.FirstOrDefault(l => l.Name == s)
                ?? throw new ArgumentException($"Model '{Name}' ({_path}) has no layer '{s}'; nearest: {string.Join(", ", NameSuggestions.Nearest(s, Layers.Select(l => l.Name)))}.");
            if (!selected.Contains(layer)) selected.Add(layer);
        }
        return selected.OrderBy(l => l.Depth).ToList();
    }

    /// <inheritdoc />
    public IDataView Extract(IDataView stimuli, IReadOnlyList<LayerDescription> layers, ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(stimuli);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(options);
        if (stimuli.Schema.GetColumnOrNull(StimulusColumns.ImagePath) is null)
            throw new ArgumentException($"The stimulus view has no '{StimulusColumns.ImagePath}' column.", nameof(stimuli));
        foreach (var layer in layers)
            if (!Layers.Contains(layer)) throw new ArgumentException($"Layer '{layer.Name}' is not a layer of model '{Name}'.", nameof(layers));
        if (layers.Count == 0) throw new ArgumentException("No layers to extract.", nameof(layers));

        var outputs = layers.Select(l => l.NetworkName).ToArray();
        IEstimator<ITransformer> pipeline = _ml.Transforms.LoadImages(ImageColumn, imageFolder: null, inputColumnName: StimulusColumns.ImagePath)
            .Append(_ml.Transforms.ResizeImages(ImageColumn, _width, _height, inputColumnName: ImageColumn, resizing: ImageResizingEstimator.ResizingKind.IsoCrop))
            .Append(_ml.Transforms.ExtractPixels(_inputName, ImageColumn, scaleImage: 1f / 255f))
            .Append(options.GpuDeviceId is int gpu
                ? _ml.Transforms.ApplyOnnxModel(outputs, new[] { _inputName }, _path, gpuDeviceId: gpu, fallbackToCpu: options.FallbackToCpu)
                : _ml.Transforms.ApplyOnnxModel(outputs, new[] { _inputName }, _path, gpuDeviceId: null, fallbackToCpu: false));
        // RepLens reads each layer from a column named after LayerDescription.SafeName.
        foreach (var layer in layers)
            if (layer.SafeName != layer.NetworkName) pipeline = pipeline.Append(_ml.Transforms.CopyColumns(layer.SafeName, layer.NetworkName));
        return pipeline.Fit(stimuli).Transform(stimuli);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
