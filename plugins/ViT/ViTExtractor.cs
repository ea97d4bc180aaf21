using RepLens.Abstractions;
using RepLens.Onnx;

namespace RepLens.Plugins.ViT;

/// <summary>
/// Vision-transformer ONNX exports (torchvision vit_b_16/vit_b_32/vit_l_16, timm ViTs): layers named by
/// module path, torchvision's ImageNet preprocessing by default (vit_l_16's weights want resize 242:
/// exports made with tools/export_onnx.py carry it in their metadata), and token pooling for token
/// layers (N × T × D): <c>tokens</c> = all (flattened, the default), cls or mean (over patch tokens),
/// per layer with <c>layerTokens</c>.
/// </summary>
public sealed class ViTExtractor : OnnxModelExtractor
{
    /// <summary>The family id used in configs.</summary>
    public const string Id = "vit";

    /// <summary>Creates the extractor.</summary>
    public ViTExtractor()
        : base(new OnnxModelSettings(Id, Preprocessing.ImageNet, SupportsTokenPooling: true))
    {
    }
}
