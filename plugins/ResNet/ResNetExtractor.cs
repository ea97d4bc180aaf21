using RepLens.Abstractions;
using RepLens.Onnx;

namespace RepLens.Plugins.ResNet;

/// <summary>
/// ResNet-family ONNX exports (torchvision resnet18/34/50/101/152 and any network with the same
/// module names): layers named by module path, torchvision's ImageNet preprocessing (resize 256,
/// bilinear, centre crop 224, ImageNet mean and std) unless the model's metadata or the config says
/// otherwise.
/// </summary>
public sealed class ResNetExtractor : OnnxModelExtractor
{
    /// <summary>The family id used in configs.</summary>
    public const string Id = "resnet";

    /// <summary>Creates the extractor.</summary>
    public ResNetExtractor()
        : base(new OnnxModelSettings(Id, Preprocessing.ImageNet))
    {
    }
}
