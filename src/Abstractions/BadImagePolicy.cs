namespace RepLens.Abstractions;

/// <summary>What to do with a stimulus image that cannot be decoded.</summary>
public enum BadImagePolicy
{
    /// <summary>Stop the run with an error naming the image.</summary>
    Stop,

    /// <summary>Leave the stimulus out, say so, and count it in the run summary.</summary>
    Skip,
}
