using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Plugins.Brain.IO;

namespace RepLens.Plugins.Brain.Simulation;

/// <summary>
/// Writes a deterministic simulated data set in the Algonauts 2023 layout with a planted structure, for
/// testing brain RSA end to end. Every image has a low-level feature vector (drawn into its pixels as
/// 8 patches of grey) and a semantic embedding (its category's prototype plus jitter; categories face,
/// body, place, word, object). Early ROIs (V1v … V3d, <c>early</c>) read out the low-level vector,
/// ventral ROIs (FFA-1, PPA, VWFA-1, <c>ventral</c>, …) the semantic one, intermediate ROIs (hV4, OFA,
/// OPA, EBA, OWFA, <c>midventral</c>) both, and the remaining streams nothing; each subject has its own
/// read-out weights, noise, image order and (optionally) image subset.
/// </summary>
/// <remarks>
/// Files: <c>subjNN/training_split/training_fmri/{lh,rh}_training_fmri.npy</c> (float32),
/// <c>subjNN/training_split/training_images/train-NNNN_nsd-NNNNN.png</c>,
/// <c>subjNN/roi_masks/{lh,rh}.&lt;family&gt;_challenge_space.npy</c> (int32) and
/// <c>subjNN/roi_masks/mapping_&lt;family&gt;.csv</c>; at the root, <c>stimuli.csv</c> (id, path,
/// category: a stimulus table with ids <c>nsd-NNNNN</c>), <c>stimuli/&lt;id&gt;.png</c>, and
/// <c>features/lowlevel.npy</c>, <c>features/semantic.npy</c> (images × dimensions, rows in
/// <c>stimuli.csv</c> order) — the planted features, for building target RDMs.
/// </remarks>
public static class SimulatedAlgonautsDataset
{
    /// <summary>The image categories, in the order images cycle through them.</summary>
    public static IReadOnlyList<string> Categories { get; } = ["face", "body", "place", "word", "object"];

    /// <summary>The simulated ROI families with their ROIs (label = position + 1) and drivers.</summary>
    public static IReadOnlyList<(string Family, IReadOnlyList<(string Roi, SimulatedDriver Driver)> Rois)> Families { get; } =
    [
        ("prf-visualrois", [("V1v", SimulatedDriver.LowLevel), ("V1d", SimulatedDriver.LowLevel), ("V2v", SimulatedDriver.LowLevel),
            ("V2d", SimulatedDriver.LowLevel), ("V3v", SimulatedDriver.LowLevel), ("V3d", SimulatedDriver.LowLevel), ("hV4", SimulatedDriver.Mixed)]),
        ("floc-bodies", [("EBA", SimulatedDriver.Mixed), ("FBA-1", SimulatedDriver.Semantic), ("FBA-2", SimulatedDriver.Semantic), ("mTL-bodies", SimulatedDriver.Semantic)]),
        ("floc-faces", [("OFA", SimulatedDriver.Mixed), ("FFA-1", SimulatedDriver.Semantic), ("FFA-2", SimulatedDriver.Semantic),
            ("mTL-faces", SimulatedDriver.Semantic), ("aTL-faces", SimulatedDriver.Semantic)]),
        ("floc-places", [("OPA", SimulatedDriver.Mixed), ("PPA", SimulatedDriver.Semantic), ("RSC", SimulatedDriver.Semantic)]),
        ("floc-words", [("OWFA", SimulatedDriver.Mixed), ("VWFA-1", SimulatedDriver.Semantic), ("VWFA-2", SimulatedDriver.Semantic),
            ("mfs-words", SimulatedDriver.Semantic), ("mTL-words", SimulatedDriver.Semantic)]),
        ("streams", [("early", SimulatedDriver.LowLevel), ("midventral", SimulatedDriver.Mixed), ("midlateral", SimulatedDriver.None),
            ("midparietal", SimulatedDriver.None), ("ventral", SimulatedDriver.Semantic), ("lateral", SimulatedDriver.None), ("parietal", SimulatedDriver.None)]),
    ];

    /// <summary>The driver of every simulated ROI.</summary>
    public static IReadOnlyDictionary<string, SimulatedDriver> Drivers { get; } =
        Families.SelectMany(f => f.Rois).ToDictionary(r => r.Roi, r => r.Driver, StringComparer.Ordinal);

    /// <summary>Writes the data set into <paramref name="folder"/> (created; existing files are replaced).</summary>
    /// <param name="folder">The data set's root folder.</param>
    /// <param name="options">Sizes, seed and planted defects; <c>null</c> for the defaults.</param>
    /// <returns>What was written, including every response matrix, for checking a loader against it.</returns>
    public static SimulatedAlgonauts Write(string folder, SimulatedAlgonautsOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var o = options ?? new SimulatedAlgonautsOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Subjects, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Images, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.VerticesPerRoi, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.FeatureDimensions, 1);
        if (o.ImagesPerSubject is { } per && (per.Count != o.Subjects || per.Any(n => n < 2 || n > o.Images)))
            throw new ArgumentException($"ImagesPerSubject needs {o.Subjects} counts between 2 and {o.Images}.", nameof(options));
        foreach (var loss in o.MissingRois)
            if (loss.Subject < 0 || loss.Subject >= o.Subjects || !Drivers.ContainsKey(loss.Roi))
                throw new ArgumentException($"MissingRois: no subject {loss.Subject} or ROI '{loss.Roi}'.", nameof(options));

        folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(folder);
        var rng = new Random(o.Seed);
        int n = o.Images, d = o.FeatureDimensions;

        // Stimuli: distinct NSD ids (sorted), categories cycling, low-level and semantic features.
        var nsd = new SortedSet<int>();
        while (nsd.Count < n) nsd.Add(rng.Next(1, 73001));
        var ids = nsd.Select(i => $"nsd-{i:00000}").ToArray();
        var categories = Enumerable.Range(0, n).Select(i => Categories[i % Categories.Count]).ToArray();
        var lowLevel = Gaussian(rng, n * d, 1.0);
        var prototypes = Gaussian(rng, Categories.Count * d, 1.0);
        var semantic = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++)
                semantic[i * d + k] = prototypes[(i % Categories.Count) * d + k] + 0.35f * (float)Normal(rng);

        var images = ids.Select((_, i) => o.WriteImages ? Png(lowLevel.AsSpan(i * d, d)) : []).ToArray();
        var stimuliFolder = Path.Combine(folder, "stimuli");
        Directory.CreateDirectory(stimuliFolder);
        for (int i = 0; i < n; i++) File.WriteAllBytes(Path.Combine(stimuliFolder, ids[i] + ".png"), images[i]);
        CsvTable.Write(Path.Combine(folder, "stimuli.csv"), ["id", "path", "category"],
            ids.Select((id, i) => (IReadOnlyList<string>)[id, $"stimuli/{id}.png", categories[i]]));
        Npy.Write(Path.Combine(folder, "features", "lowlevel.npy"), lowLevel, [n, d]);
        Npy.Write(Path.Combine(folder, "features", "semantic.npy"), semantic, [n, d]);

        // Vertex layout, shared by all subjects: each non-stream ROI owns VerticesPerRoi vertices per hemisphere;
        // streams reuse them (early = V1–V3, midventral = hV4, ventral = ventral floc ROIs) or own new ones (the rest).
        var layout = Layout(o);
        var subjects = new List<SimulatedAlgonauts.Subject>();
        for (int s = 0; s < o.Subjects; s++)
        {
            var id = $"subj{s + 1:00}";
            int seen = o.ImagesPerSubject?[s] ?? n;
            var order = Enumerable.Range(0, seen).ToArray();
            rng.Shuffle(order);
            var sub = Path.Combine(folder, id);
            var imgFolder = Path.Combine(sub, "training_split", "training_images");
            Directory.CreateDirectory(imgFolder);
            for (int r = 0; r < seen; r++)
                File.WriteAllBytes(Path.Combine(imgFolder, $"train-{r + 1:0000}_{ids[order[r]]}.png"), images[order[r]]);

            var responses = new float[2][];
            for (int h = 0; h < 2; h++)
            {
                responses[h] = Responses(rng, layout, order, lowLevel, semantic, d, o.Noise);
                if (h == 0 && o.NanVertices > 0)
                {
                    var v1 = layout.Vertices["V1v"];
                    int image = rng.Next(seen);
                    for (int k = 0; k < Math.Min(o.NanVertices, v1.Length); k++) responses[h][image * layout.Count + v1[k]] = float.NaN;
                }
                Npy.Write(Path.Combine(sub, "training_split", "training_fmri", $"{(h == 0 ? "lh" : "rh")}_training_fmri.npy"),
                    responses[h], [seen, layout.Count]);
            }

            var masks = Path.Combine(sub, "roi_masks");
            foreach (var (family, rois) in Families)
            {
                var names = rois.Select((r, i) => (Label: i + 1, r.Roi)).ToDictionary(t => t.Label, t => t.Roi);
                RoiLabelMapping.WriteCsv(Path.Combine(masks, $"mapping_{family}.csv"), names);
                for (int h = 0; h < 2; h++)
                {
                    var hemi = h == 0 ? Hemisphere.Left : Hemisphere.Right;
                    var labels = new int[layout.Count];
                    for (int i = 0; i < rois.Count; i++)
                    {
                        bool lost = o.MissingRois.Any(m => m.Subject == s && m.Roi == rois[i].Roi && (m.Hemisphere is null || m.Hemisphere == hemi));
                        if (lost) continue;
                        foreach (var v in layout.Vertices[rois[i].Roi]) labels[v] = i + 1;
                    }
                    Npy.Write(Path.Combine(masks, $"{(h == 0 ? "lh" : "rh")}.{family}_challenge_space.npy"), labels, [layout.Count]);
                }
            }
            subjects.Add(new SimulatedAlgonauts.Subject(id, order.Select(i => ids[i]).ToArray(), responses[0], responses[1]));
        }
        return new SimulatedAlgonauts(folder, ids, categories, lowLevel, semantic, d, layout.Vertices, layout.Count, subjects, o);
    }

    private sealed record VertexLayout(Dictionary<string, int[]> Vertices, SimulatedDriver[] DriverOf, int Count);

    private static VertexLayout Layout(SimulatedAlgonautsOptions o)
    {
        int v = o.VerticesPerRoi, next = 0;
        var vertices = new Dictionary<string, int[]>(StringComparer.Ordinal);
        int[] Take() { var r = Enumerable.Range(next, v).ToArray(); next += v; return r; }
        foreach (var (family, rois) in Families.Where(f => f.Family != "streams"))
            foreach (var (roi, _) in rois) vertices[roi] = Take();
        int[] Union(params string[] names) => names.SelectMany(nm => vertices[nm]).Order().ToArray();
        vertices["early"] = Union("V1v", "V1d", "V2v", "V2d", "V3v", "V3d");
        vertices["midventral"] = Union("hV4");
        vertices["ventral"] = Union("FBA-1", "FBA-2", "FFA-1", "FFA-2", "PPA", "VWFA-1", "VWFA-2");
        foreach (var roi in new[] { "midlateral", "midparietal", "lateral", "parietal" }) vertices[roi] = Take();
        int count = next + o.UnlabeledVertices;
        var driverOf = Enumerable.Repeat(SimulatedDriver.None, count).ToArray();
        foreach (var (family, rois) in Families.Where(f => f.Family != "streams"))
            foreach (var (roi, driver) in rois)
                foreach (var i in vertices[roi]) driverOf[i] = driver;
        return new VertexLayout(vertices, driverOf, count);
    }

    private static float[] Responses(Random rng, VertexLayout layout, int[] order, float[] low, float[] sem, int d, double noise)
    {
        int rows = order.Length, p = layout.Count;
        var data = new float[rows * p];
        var wLow = Gaussian(rng, p * d, 1.0 / Math.Sqrt(d));
        var wSem = Gaussian(rng, p * d, 1.0 / Math.Sqrt(d));
        for (int r = 0; r < rows; r++)
        {
            int image = order[r];
            for (int v = 0; v < p; v++)
            {
                double a = 0, b = 0;
                for (int k = 0; k < d; k++)
                {
                    a += wLow[v * d + k] * low[image * d + k];
                    b += wSem[v * d + k] * sem[image * d + k];
                }
                double signal = layout.DriverOf[v] switch
                {
                    SimulatedDriver.LowLevel => a,
                    SimulatedDriver.Semantic => b / 1.06, // the embedding has variance ≈ 1 + 0.35²
                    SimulatedDriver.Mixed => Math.Sqrt(0.5) * (a + b / 1.06),
                    _ => 0,
                };
                data[r * p + v] = (float)(signal + noise * Normal(rng));
            }
        }
        return data;
    }

    private static byte[] Png(ReadOnlySpan<float> features)
    {
        // 32 × 32 pixels, 8 patches (4 columns × 2 rows) whose grey level follows one feature each.
        const int size = 32;
        var pixels = new byte[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int patch = (y / 16) * 4 + x / 8;
                double f = features[patch % features.Length];
                pixels[y * size + x] = (byte)Math.Clamp(128 + 45 * f, 0, 255);
            }
        return TinyPng.Encode(size, size, pixels);
    }

    private static float[] Gaussian(Random rng, int count, double sd)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(sd * Normal(rng));
        return x;
    }

    private static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
