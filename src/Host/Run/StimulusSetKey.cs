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

    /// <summary>
    /// A hash of the table's categories and captions: targets that read them (the category model, caption
    /// semantics) must be recomputed when they change, though images and ids are the same.
    /// </summary>
    public static string Annotations(StimulusTable stimuli)
    {
        var parts = new List<string>(stimuli.Count * 3);
        foreach (var s in stimuli)
        {
            parts.Add(s.Category ?? "\0");
            parts.Add(s.Captions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            parts.AddRange(s.Captions);
        }
        return ContentHash.Of([.. parts]);
    }
}
