namespace RepLens.Plugins.Brain.Simulation;

/// <summary>What drives a simulated ROI's responses.</summary>
public enum SimulatedDriver
{
    /// <summary>A linear read-out of the images' low-level feature vector (drawn into the images' pixels): early visual ROIs.</summary>
    LowLevel,

    /// <summary>Half low-level, half semantic: intermediate ROIs (hV4, OFA, OPA, EBA, OWFA, midventral).</summary>
    Mixed,

    /// <summary>A linear read-out of the images' semantic embedding (category prototype + jitter): ventral ROIs.</summary>
    Semantic,

    /// <summary>Noise only: ROIs with no stimulus-driven structure.</summary>
    None,
}
