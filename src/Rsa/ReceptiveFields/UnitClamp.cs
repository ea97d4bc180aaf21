namespace RepLens.Rsa.ReceptiveFields;

/// <summary>
/// The starting map of one back-projection: the layer's map is zero except unit (<paramref name="Channel"/>,
/// <paramref name="Y"/>, <paramref name="X"/>), which is <paramref name="Value"/> (the constant c).
/// </summary>
/// <param name="Channel">The channel (feature map), 0-based.</param>
/// <param name="Y">The row in the feature map; 0 for layers without spatial axes.</param>
/// <param name="X">The column in the feature map; 0 for layers without spatial axes.</param>
/// <param name="Value">The constant the unit is clamped to.</param>
public readonly record struct UnitClamp(int Channel, int Y, int X, float Value);
