namespace RepLens.Abstractions;

/// <summary>Interpolation used to resize stimuli before a network.</summary>
public enum ResizeInterpolation
{
    /// <summary>Bilinear (torchvision's default for ResNet and ViT weights).</summary>
    Bilinear,

    /// <summary>Bicubic (CLIP's preprocessing).</summary>
    Bicubic,
}
