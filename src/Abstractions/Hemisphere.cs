namespace RepLens.Abstractions;

/// <summary>A cortical hemisphere.</summary>
public enum Hemisphere
{
    /// <summary>Left hemisphere (<c>lh</c>).</summary>
    Left,

    /// <summary>Right hemisphere (<c>rh</c>).</summary>
    Right,
}
