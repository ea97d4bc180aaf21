using RepLens.Abstractions;
using RepLens.Onnx;
using RepLens.Onnx.Layers;

namespace RepLens.Plugins.ResNet;

/// <summary>
/// ResNet-family ONNX exports (torchvision resnet18/34/50/101/152 and any network with the same
/// module names): layers named by module path — or, for exports without module paths, by the graph's
/// residual structure (<see cref="ResNetStructureNaming"/>), with the same names — and torchvision's
/// ImageNet preprocessing (resize 256, bilinear, centre crop 224, ImageNet mean and std) unless the model's
/// metadata or the config says otherwise. Built in: <see cref="ImageNetResNet18"/> (<c>resnet18-imagenet</c>).
/// </summary>
public sealed class ResNetExtractor : OnnxModelExtractor
{
    /// <summary>The family id used in configs.</summary>
    public const string Id = "resnet";

    private static readonly IReadOnlyList<BuiltInModelInfo> BuiltIns = new[] { ImageNetResNet18.Info };

    /// <summary>Creates the extractor.</summary>
    public ResNetExtractor()
        : base(new OnnxModelSettings(Id, Preprocessing.ImageNet, UnscopedNaming: ResNetStructureNaming.Instance))
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<BuiltInModelInfo> BuiltInModels => BuiltIns;

    /// <inheritdoc />
    protected override ILoadedModel OpenBuiltIn(ModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.BuiltIn != ImageNetResNet18.Name) return base.OpenBuiltIn(request);
        var folder = ImageNetResNet18.FindModelFolder();
        var settings = Settings with
        {
            DefaultPreprocessing = ImageNetResNet18.Preprocessing,
            InputAdapterPath = Path.Combine(folder, ImageNetResNet18.PreprocessFile),
        };
        return OnnxLoadedModel.Open(Path.Combine(folder, ImageNetResNet18.NetworkFile), settings, request.Options, request.Name);
    }
}
