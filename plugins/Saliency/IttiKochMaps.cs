namespace RepLens.Plugins.Saliency;

/// <summary>
/// The intermediate maps of one Itti–Koch computation, all at the conspicuity level (1/2^level of the
/// image in each direction, e.g. 40 × 30 for a 640 × 480 image at level 4), for diagnostics and tests.
/// </summary>
/// <param name="Level">The pyramid level of these maps.</param>
/// <param name="Intensity">N(Ī): the normalised intensity conspicuity map.</param>
/// <param name="Color">N(C̄): the normalised colour conspicuity map.</param>
/// <param name="Orientation">N(Ō): the normalised orientation conspicuity map.</param>
/// <param name="RedGreen">⊕ N(RG(c, s)): the red–green half of C̄ (before the final N).</param>
/// <param name="BlueYellow">⊕ N(BY(c, s)): the blue–yellow half of C̄.</param>
/// <param name="Orientations">N(⊕ N(O(c, s, θ))) for each θ of <see cref="IttiKochOptions.GaborOrientations"/>, in that order; Ō is their sum.</param>
/// <param name="Saliency">The weighted sum of the three conspicuity maps, blurred and (if asked) scaled to peak 1, before resampling to the output size.</param>
public sealed record IttiKochMaps(
    int Level,
    SaliencyMap Intensity,
    SaliencyMap Color,
    SaliencyMap Orientation,
    SaliencyMap RedGreen,
    SaliencyMap BlueYellow,
    IReadOnlyList<SaliencyMap> Orientations,
    SaliencyMap Saliency);
