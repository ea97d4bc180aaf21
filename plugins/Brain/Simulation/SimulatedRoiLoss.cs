using RepLens.Abstractions;

namespace RepLens.Plugins.Brain.Simulation;

/// <summary>A ROI removed from one simulated subject's masks (its label kept in the mapping, as Algonauts does for ROIs a subject lacks).</summary>
/// <param name="Subject">Subject index (0-based).</param>
/// <param name="Roi">ROI name, e.g. <c>FFA-2</c>.</param>
/// <param name="Hemisphere">The hemisphere that loses it, or <c>null</c> for both.</param>
public sealed record SimulatedRoiLoss(int Subject, string Roi, Hemisphere? Hemisphere = null);
