using RepLens.Abstractions;
using RepLens.Onnx.Graph;

namespace RepLens.Onnx;

/// <summary>
/// Works out a model's preprocessing: the family default, then the model's metadata
/// (<c>replens.preprocessing</c>, written by tools/export_onnx.py), then the config's options; a fixed
/// input size sets the crop. Option names: <c>resize</c> (shorter side, pixels), <c>crop</c> (one size or
/// [height, width]), <c>interpolation</c> (bilinear, bicubic), <c>mean</c> and <c>std</c> (three values),
/// <c>pixelScale</c> (factor on 0–255 values), <c>channelOrder</c> (rgb, bgr).
/// </summary>
public static class PreprocessingResolver
{
    /// <summary>Metadata key with the preprocessing a model was trained with (a JSON object with the option names).</summary>
    public const string MetadataKey = "replens.preprocessing";

    /// <summary>Resolves the preprocessing for a model.</summary>
    /// <param name="familyDefault">The family's default.</param>
    /// <param name="input">The model's image input.</param>
    /// <param name="metadata">The model's preprocessing metadata, or <c>null</c>.</param>
    /// <param name="options">The config's options for this model.</param>
    public static Preprocessing Resolve(Preprocessing familyDefault, OnnxImageInput input, PluginOptions? metadata, PluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(familyDefault);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);

        T Pick<T>(Func<PluginOptions, T?> get, T fallback) where T : struct => get(options) ?? (metadata is null ? null : get(metadata)) ?? fallback;
        T PickRef<T>(Func<PluginOptions, T?> get, T fallback) where T : class => get(options) ?? (metadata is null ? null : get(metadata)) ?? fallback;

        var crop = Crop(options) ?? (metadata is null ? null : Crop(metadata));
        bool fixedInput = input.Height is not null && input.Width is not null;
        if (crop is null && fixedInput) crop = (input.Height!.Value, input.Width!.Value);
        if (crop is { } c && fixedInput && (c.Height != input.Height || c.Width != input.Width))
            throw new ConfigurationErrorException($"{options.Path}.crop",
                $"the model's input is fixed at {input.Height}×{input.Width} pixels, but the crop is {c.Height}×{c.Width}.");
        var (cropHeight, cropWidth) = crop ?? (familyDefault.CropHeight, familyDefault.CropWidth);

        int? resize = Int(options, "resize") ?? (metadata is null ? null : Int(metadata, "resize"));
        if (resize is null)
        {
            int shorterCrop = Math.Min(cropHeight, cropWidth);
            int defaultCrop = Math.Min(familyDefault.CropHeight, familyDefault.CropWidth);
            resize = shorterCrop == defaultCrop
                ? familyDefault.ResizeShorterSide
                : (int)Math.Floor(shorterCrop * (double)familyDefault.ResizeShorterSide / defaultCrop);
        }
        if (resize <= 0) throw new ConfigurationErrorException($"{options.Path}.resize", $"must be a positive number of pixels, found {resize}.");

        var interpolation = Pick(o => o.Has("interpolation") ? o.GetEnum("interpolation", familyDefault.Interpolation) : (ResizeInterpolation?)null, familyDefault.Interpolation);
        var channelOrder = Pick(o => o.Has("channelOrder") ? o.GetEnum("channelOrder", familyDefault.ChannelOrder) : (ChannelOrder?)null, familyDefault.ChannelOrder);
        var scale = Pick(o => o.Has("pixelScale") ? (float)o.GetDouble("pixelScale", 1) : (float?)null, familyDefault.PixelScale);
        if (!(scale > 0)) throw new ConfigurationErrorException($"{options.Path}.pixelScale", $"must be positive, found {scale}.");
        var mean = PickRef(o => Triple(o, "mean"), familyDefault.Mean);
        var std = PickRef(o => Triple(o, "std"), familyDefault.Std);
        if (std.Any(s => !(s > 0))) throw new ConfigurationErrorException($"{options.Path}.std", "every standard deviation must be positive.");

        return new Preprocessing(resize.Value, cropHeight, cropWidth, interpolation, scale, mean, std, channelOrder, familyDefault.Description);
    }

    private static int? Int(PluginOptions o, string key)
    {
        if (!o.Has(key)) return null;
        return o.GetInt32(key, 0);
    }

    private static (int Height, int Width)? Crop(PluginOptions o)
    {
        if (!o.Has("crop")) return null;
        var values = o.GetDoubleList("crop");
        if (values.Count is not (1 or 2) || values.Any(v => v <= 0 || v != Math.Floor(v)))
            throw new ConfigurationErrorException($"{o.Path}.crop", "expected a positive whole number of pixels, or [height, width].");
        return values.Count == 1 ? ((int)values[0], (int)values[0]) : ((int)values[0], (int)values[1]);
    }

    private static float[]? Triple(PluginOptions o, string key)
    {
        if (!o.Has(key)) return null;
        var values = o.GetDoubleList(key);
        if (values.Count != 3) throw new ConfigurationErrorException($"{o.Path}.{key}", $"expected three values (one per channel), found {values.Count}.");
        return values.Select(v => (float)v).ToArray();
    }
}
