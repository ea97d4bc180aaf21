namespace RepLens.Plugins.Clip.Semantics;

/// <summary>What to do with a stimulus that has no caption (option <c>onMissingCaptions</c>).</summary>
internal enum MissingCaptionPolicy
{
    /// <summary>Stop with an error listing the stimulus ids.</summary>
    Stop,

    /// <summary>
    /// Give the stimulus a NaN vector: its dissimilarities are undefined and comparisons leave its pairs
    /// out (the run's warnings name it). <c>replens semantics</c> leaves such images out of its rows.
    /// </summary>
    Skip,
}
