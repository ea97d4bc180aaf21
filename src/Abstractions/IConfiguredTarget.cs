namespace RepLens.Abstractions;

/// <summary>A target with its options applied, ready to compute over a stimulus set.</summary>
public interface IConfiguredTarget
{
    /// <summary>The name the user gave the target.</summary>
    string Name { get; }

    /// <summary>
    /// A content fingerprint (hex) of everything that determines the output apart from the stimuli
    /// (options, model files), for the cache.
    /// </summary>
    string Fingerprint { get; }

    /// <summary>
    /// Computes the representation of <paramref name="stimuli"/>. Throws with a message naming the
    /// stimulus when its input is missing or wrong (no captions, a map of the wrong size, …).
    /// </summary>
    /// <param name="stimuli">The stimuli, in analysis order.</param>
    /// <param name="cancellationToken">Cancels long work.</param>
    TargetRepresentation Compute(StimulusTable stimuli, CancellationToken cancellationToken);
}
