namespace RepLens.Abstractions;

/// <summary>
/// How a model wants its images: resize the shorter side to <see cref="ResizeShorterSide"/> with
/// <see cref="Interpolation"/>, centre-crop to <see cref="CropHeight"/> × <see cref="CropWidth"/>, scale
/// pixel values (0–255) by <see cref="PixelScale"/>, then per channel subtract <see cref="Mean"/> and
/// divide by <see cref="Std"/>, in <see cref="ChannelOrder"/>. Declared by every extractor so that two
/// extractors can be compared fairly and so that the preprocessing is part of the cache key.
/// </summary>
/// <param name="ResizeShorterSide">Target size of the shorter image side, in pixels.</param>
/// <param name="CropHeight">Centre-crop height, in pixels.</param>
/// <param name="CropWidth">Centre-crop width, in pixels.</param>
/// <param name="Interpolation">Resize interpolation.</param>
/// <param name="PixelScale">Factor applied to 0–255 values before normalisation (1/255 for torchvision, 1 for Caffe-style).</param>
/// <param name="Mean">Per-channel mean subtracted after scaling, in <see cref="ChannelOrder"/>.</param>
/// <param name="Std">Per-channel standard deviation divided by after subtracting the mean.</param>
/// <param name="ChannelOrder">Order of channels in the input tensor.</param>
/// <param name="Description">Anything else applied (e.g. "mean image subtracted"), for reports; empty if nothing.</param>
public sealed record Preprocessing(
    int ResizeShorterSide,
    int CropHeight,
    int CropWidth,
    ResizeInterpolation Interpolation,
    float PixelScale,
    IReadOnlyList<float> Mean,
    IReadOnlyList<float> Std,
    ChannelOrder ChannelOrder,
    string Description = "")
{
    /// <summary>torchvision's ImageNet preprocessing: resize 256 (bilinear), crop 224, ImageNet mean/std.</summary>
    public static Preprocessing ImageNet { get; } = new(256, 224, 224, ResizeInterpolation.Bilinear, 1f / 255f,
        new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0.224f, 0.225f }, ChannelOrder.Rgb);

    /// <summary>CLIP's preprocessing: bicubic resize 224, crop 224, CLIP mean/std.</summary>
    public static Preprocessing Clip { get; } = new(224, 224, 224, ResizeInterpolation.Bicubic, 1f / 255f,
        new[] { 0.48145466f, 0.4578275f, 0.40821073f }, new[] { 0.26862954f, 0.26130258f, 0.27577711f }, ChannelOrder.Rgb);

    /// <summary>A stable text form, used in cache keys and reports.</summary>
    public override string ToString()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string List(IReadOnlyList<float> v) => string.Join(", ", v.Select(x => x.ToString("R", inv)));
        return string.Create(inv,
            $"resize {ResizeShorterSide} {EnumNames.Name(Interpolation)}, crop {CropHeight}x{CropWidth}, scale {PixelScale:R}, mean [{List(Mean)}], std [{List(Std)}], {EnumNames.Name(ChannelOrder)}")
            + (Description.Length > 0 ? ", " + Description : "");
    }
}
