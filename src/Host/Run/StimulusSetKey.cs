using RepLens.Abstractions;

namespace RepLens.Host.Run;

/// <summary>
/// The identity of a stimulus set for caching: the ids in order and the bytes of every image. A
/// renamed id, a reordered table or one changed pixel gives another key; moving the files does not.
/// </summary>
internal static class StimulusSetKey
{
    public static string Compute(StimulusTable stimuli)
    {
        var parts = new string[stimuli.Count * 2];
        Parallel.For(0, stimuli.Count, i =>
        {
            parts[2 * i] = stimuli[i].Id;
            parts[2 * i + 1] = ContentHash.OfFile(stimuli[i].ImagePath);
        });
        return ContentHash.Of(parts);
    }
}
