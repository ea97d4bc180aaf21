namespace RepLens.Abstractions;

/// <summary>
/// A kind of representational target — something a layer's geometry is compared with: a saliency
/// model, a caption encoder, a category model. Registered with
/// <see cref="RepLensServiceCollectionExtensions.AddRepresentationalTarget{T}"/>; the id is the target
/// kind used in configs (<c>"kind": "itti-koch"</c>).
/// </summary>
public interface IRepresentationalTarget
{
    /// <summary>One line saying what the target measures, for <c>replens plugins</c> and reports.</summary>
    string Description { get; }

    /// <summary>The metric used for this target's RDM unless the config says otherwise.</summary>
    DistanceMetric DefaultMetric { get; }

    /// <summary>Validates the options and prepares the target. Throws <see cref="ConfigurationErrorException"/> for bad options.</summary>
    /// <param name="request">Name and options.</param>
    IConfiguredTarget Open(TargetRequest request);
}
