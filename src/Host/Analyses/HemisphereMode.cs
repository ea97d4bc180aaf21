namespace RepLens.Host.Analyses;

/// <summary>How the two hemispheres of a ROI make one RDM.</summary>
internal enum HemisphereMode
{
    /// <summary>An RDM per hemisphere, then their average (the seed study's choice).</summary>
    Average,

    /// <summary>One RDM of the left and right responses side by side.</summary>
    Concatenate,
}
