using RepLens.Abstractions;

namespace RepLens.Plugins.Brain.Simulation;

/// <summary>What <see cref="SimulatedAlgonautsDataset.Write"/> wrote: ids, planted features and every response matrix.</summary>
public sealed class SimulatedAlgonauts
{
    private readonly IReadOnlyDictionary<string, int[]> _vertices;
    private readonly Dictionary<string, Subject> _subjects;

    internal SimulatedAlgonauts(string root, string[] stimulusIds, string[] categories, float[] lowLevel, float[] semantic, int dimensions,
        IReadOnlyDictionary<string, int[]> vertices, int verticesPerHemisphere, IReadOnlyList<Subject> subjects, SimulatedAlgonautsOptions options)
    {
        Root = root;
        StimulusIds = stimulusIds;
        StimulusCategories = categories;
        LowLevel = new FloatMatrix(stimulusIds.Length, dimensions, lowLevel);
        Semantic = new FloatMatrix(stimulusIds.Length, dimensions, semantic);
        _vertices = vertices;
        VerticesPerHemisphere = verticesPerHemisphere;
        Subjects = subjects;
        _subjects = subjects.ToDictionary(s => s.Id);
        Options = options;
    }

    /// <summary>The data set's folder (pass it as the loader's root).</summary>
    public string Root { get; }

    /// <summary>The stimulus table written at the root: <c>stimuli.csv</c> (id, path, category).</summary>
    public string StimulusTablePath => Path.Combine(Root, "stimuli.csv");

    /// <summary>All stimulus ids (<c>nsd-NNNNN</c>), in <c>stimuli.csv</c> order.</summary>
    public IReadOnlyList<string> StimulusIds { get; }

    /// <summary>The category of each stimulus, in <see cref="StimulusIds"/> order.</summary>
    public IReadOnlyList<string> StimulusCategories { get; }

    /// <summary>(images × dimensions) planted low-level features, in <see cref="StimulusIds"/> order (also <c>features/lowlevel.npy</c>).</summary>
    public FloatMatrix LowLevel { get; }

    /// <summary>(images × dimensions) planted semantic embeddings, in <see cref="StimulusIds"/> order (also <c>features/semantic.npy</c>).</summary>
    public FloatMatrix Semantic { get; }

    /// <summary>Number of vertices (columns) per hemisphere.</summary>
    public int VerticesPerHemisphere { get; }

    /// <summary>The subjects written.</summary>
    public IReadOnlyList<Subject> Subjects { get; }

    /// <summary>The options used.</summary>
    public SimulatedAlgonautsOptions Options { get; }

    /// <summary>The vertices (columns) of a ROI in either hemisphere, before any removal for a subject.</summary>
    /// <param name="roi">A ROI name.</param>
    public IReadOnlyList<int> Vertices(string roi) => _vertices[roi];

    /// <summary>
    /// The (images × vertices) responses the generator wrote for a subject's ROI — rows in that subject's
    /// order, left-hemisphere vertices before right ones when <paramref name="hemisphere"/> is <c>null</c> —
    /// or <c>null</c> where the ROI was removed. NaN vertices are included.
    /// </summary>
    /// <param name="subject">Subject id, e.g. <c>subj01</c>.</param>
    /// <param name="roi">ROI name.</param>
    /// <param name="hemisphere">A hemisphere, or <c>null</c> for both.</param>
    public FloatMatrix? Expected(string subject, string roi, Hemisphere? hemisphere)
    {
        var s = _subjects[subject];
        int index = Subjects.ToList().IndexOf(s);
        var hemis = hemisphere is { } h ? new[] { h } : new[] { Hemisphere.Left, Hemisphere.Right };
        var cols = new List<(float[] Data, int Vertex)>();
        foreach (var hemi in hemis)
        {
            bool lost = Options.MissingRois.Any(m => m.Subject == index && m.Roi == roi && (m.Hemisphere is null || m.Hemisphere == hemi));
            if (lost) continue;
            foreach (var v in _vertices[roi]) cols.Add((hemi == Hemisphere.Left ? s.Left : s.Right, v));
        }
        if (cols.Count == 0) return null;
        int rows = s.StimulusIds.Count;
        var data = new float[rows * cols.Count];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols.Count; c++)
                data[r * cols.Count + c] = cols[c].Data[r * VerticesPerHemisphere + cols[c].Vertex];
        return new FloatMatrix(rows, cols.Count, data);
    }

    /// <summary>One simulated subject.</summary>
    /// <param name="Id">Subject id (<c>subj01</c>, …).</param>
    /// <param name="StimulusIds">The id of each fMRI row, in the subject's order.</param>
    /// <param name="Left">(rows × <see cref="VerticesPerHemisphere"/>) left-hemisphere responses, row-major.</param>
    /// <param name="Right">(rows × <see cref="VerticesPerHemisphere"/>) right-hemisphere responses, row-major.</param>
    public sealed record Subject(string Id, IReadOnlyList<string> StimulusIds, float[] Left, float[] Right);
}
