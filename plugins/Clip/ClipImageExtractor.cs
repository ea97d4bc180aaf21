using RepLens.Abstractions;
using RepLens.Onnx;

namespace RepLens.Plugins.Clip;

/// <summary>
/// CLIP image encoders exported to ONNX (OpenAI CLIP or open_clip RN50, RN101, ViT-B/16, ViT-B/32,
/// ViT-L/14; the <c>visual</c> tower, see tools/export_onnx.py): CLIP's preprocessing (bicubic resize
/// of the shorter side to the input size, centre crop, CLIP mean and std), float16 exports run with
/// float32 results, and for ViT encoders the same token pooling options as the <c>vit</c> family
/// (OpenAI CLIP's sequence-first token layers are handled).
/// </summary>
public sealed class ClipImageExtractor : OnnxModelExtractor
{
    /// <summary>The family id used in configs.</summary>
    public const string Id = "clip";

    /// <summary>Creates the extractor.</summary>
    public ClipImageExtractor()
        : base(new OnnxModelSettings(Id, Preprocessing.Clip, SupportsTokenPooling: true))
    {
    }
}
