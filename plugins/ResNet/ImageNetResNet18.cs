using RepLens.Abstractions;

namespace RepLens.Plugins.ResNet;

/// <summary>
/// The built-in <c>resnet18-imagenet</c>: the ImageNet-trained ResNet-18 that the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 ships for ML.NET's <c>DnnFeaturizeImage</c> (a CNTK 2.6 export,
/// ONNX opset 8, ending at the global average pool; © .NET Foundation, MIT licence). The package's build step
/// copies <c>DnnImageModels/ResNet18Onnx/ResNet18.onnx</c> and <c>DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx</c>
/// into the output of every project that references it; this plugin does, so the files travel with it.
/// </summary>
public static class ImageNetResNet18
{
    /// <summary>The name in configs and on the command line.</summary>
    public const string Name = "resnet18-imagenet";

    /// <summary>The NuGet package the weights come from.</summary>
    public const string Package = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>The package version this plugin is built with (also in Directory.Packages.props).</summary>
    public const string PackageVersion = "0.23.1";

    /// <summary>Folder the package's build step copies the models to, under a project's output.</summary>
    public const string ModelFolder = "DnnImageModels";

    /// <summary>The network, relative to <see cref="ModelFolder"/>.</summary>
    public static string NetworkFile { get; } = Path.Combine("ResNet18Onnx", "ResNet18.onnx");

    /// <summary>The package's preprocessing model (RGB → BGR, subtract the ImageNet mean image), relative to <see cref="ModelFolder"/>.</summary>
    public static string PreprocessFile { get; } = Path.Combine("ResNetPrepOnnx", "ResNetPreprocess.onnx");

    /// <summary>What <c>replens plugins</c> says about the model.</summary>
    public static BuiltInModelInfo Info { get; } = new(Name,
        $"ImageNet-trained ResNet-18 from the NuGet package {Package} {PackageVersion} (weights: Microsoft's CNTK 2.6 export for ML.NET's " +
        "DnnFeaturizeImage; licence MIT, (c) .NET Foundation); 224x224 input, shorter side resized to 224 and centre-cropped as ML.NET's " +
        "ResizeImages does, then the package's BGR mean-image subtraction; torchvision layer names (conv1 ... layer4.1.relu_1, avgpool); no classifier.");

    /// <summary>
    /// The model's preprocessing before the package's preprocessing model: what ML.NET's own pipeline for this
    /// package does (<c>ResizeImages(224, 224)</c>, whose default <c>IsoCrop</c> scales the shorter side to 224 and
    /// crops the centre; <c>ExtractPixels</c> with RGB planes on the 0–255 scale). The resampling is PIL's
    /// antialiased bilinear, as for every RepLens model (ML.NET resamples with SkiaSharp; the two agree exactly on
    /// 224 × 224 images, which need no resampling).
    /// </summary>
    public static Preprocessing Preprocessing { get; } = new(224, 224, 224, ResizeInterpolation.Bilinear, 1f,
        new[] { 0f, 0f, 0f }, new[] { 1f, 1f, 1f }, ChannelOrder.Rgb,
        "then RGB to BGR and the ImageNet mean image (224x224) subtracted by the package's ResNetPreprocess.onnx");

    /// <summary>
    /// The folder holding the package's models: <see cref="ModelFolder"/> next to this plugin's assembly (where a
    /// build of the plugin puts it), else next to the host (the host's build leaves out of a plugin's folder the
    /// files it already has).
    /// </summary>
    /// <exception cref="FileNotFoundException">The models are in neither folder; the message names both.</exception>
    public static string FindModelFolder() => FindModelFolder(SearchDirectories());

    /// <summary>The first of <paramref name="directories"/> whose <see cref="ModelFolder"/> holds both models.</summary>
    internal static string FindModelFolder(IEnumerable<string> directories)
    {
        var searched = new List<string>();
        foreach (var dir in directories)
        {
            var folder = Path.GetFullPath(Path.Combine(dir, ModelFolder));
            if (searched.Contains(folder, StringComparer.Ordinal)) continue;
            searched.Add(folder);
            if (File.Exists(Path.Combine(folder, NetworkFile)) && File.Exists(Path.Combine(folder, PreprocessFile))) return folder;
        }
        throw new FileNotFoundException(
            $"The built-in model '{Name}' needs {Path.Combine(ModelFolder, NetworkFile)} and {Path.Combine(ModelFolder, PreprocessFile)} " +
            $"from the NuGet package {Package} {PackageVersion}, which the build of the ResNet plugin copies next to it. Not found in: " +
            $"{string.Join(", ", searched)}. Rebuild RepLens (dotnet build Plugins.sln) with that package restored.");
    }

    private static IEnumerable<string> SearchDirectories()
    {
        var plugin = typeof(ImageNetResNet18).Assembly.Location;
        if (!string.IsNullOrEmpty(plugin)) yield return Path.GetDirectoryName(plugin)!;
        yield return AppContext.BaseDirectory;
    }
}
