namespace RepLens.Plugins.Saliency;

/// <summary>What a transparent image is composited over before its saliency is computed.</summary>
public enum AlphaBackground
{
    /// <summary>Black: colour × alpha, which is what ML.NET's image loader hands to the networks (SkiaSharp decodes to premultiplied alpha).</summary>
    Black,

    /// <summary>White: colour × alpha + (1 − alpha).</summary>
    White,
}
