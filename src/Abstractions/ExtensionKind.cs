namespace RepLens.Abstractions;

/// <summary>The three extension points of RepLens.</summary>
public enum ExtensionKind
{
    /// <summary>A model extractor (<see cref="IModelExtractor"/>): layer activations of a network.</summary>
    ModelExtractor,

    /// <summary>A representational target (<see cref="IRepresentationalTarget"/>): per-stimulus vectors or a ready RDM.</summary>
    RepresentationalTarget,

    /// <summary>A brain data loader (<see cref="IBrainDataLoader"/>): per subject and ROI response matrices.</summary>
    BrainDataLoader,
}
