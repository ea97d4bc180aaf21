using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Cli;
using RepLens.Host.Run;
using RepLens.Imaging;
using RepLens.Rsa.Inference;

namespace RepLens.Host.Distractors;

/// <summary>
/// Builds the seed study's distractor set: for every baseline image and each of the four conditions, a pool
/// image pasted at a fraction of its area against a random edge, such that the pasted image is semantically
/// similar or dissimilar to the baseline (cosine distance of caption embeddings) and the edit changes the
/// baseline's saliency map little or a lot (cosine distance of the saliency target's vectors, e.g. the
/// 224 × 224 Itti–Koch maps).
/// </summary>
/// <remarks>
/// <para>Per target, the similar conditions (control, salient) share one seeded sequence of draws and the
/// dissimilar ones (semantic, semantic_salient) another: candidates in the semantic range are taken in a
/// shuffled order (reshuffled after each pass), each with a random edge and position; every scored edit is kept
/// for the first still-open condition of its group whose saliency rule it meets, until both are filled or
/// <see cref="DistractorSettings.Tries"/> edits are spent. A target is kept only with all four conditions, so it is
/// abandoned at the first that fails (a group without candidates is known before anything is scored; the
/// dissimilar draw is not scored when a similar condition failed).</para>
/// <para>Every random choice comes from a stream derived from the seed and the target's id (not its position
/// or the thread that builds it), so the same inputs and seed give byte-identical images and tables, in any
/// order, on any number of threads, and when a build is resumed.</para>
/// </remarks>
internal sealed class DistractorBuilder(IImageMapTarget saliency, DistractorSettings settings, ILogger log, Progress.ProgressReporter? reporter = null)
{
    private static readonly string[] Groups = { "similar", "dissimilar" };

    private long _saliencyTicks;
    private long _workTicks;
    private long _maps;

    /// <summary>
    /// Saliency maps computed by this builder (edits, calibration included, and baselines), the workers' time
    /// (summed over threads) and the part of it spent in the saliency target.
    /// </summary>
    public (long Maps, TimeSpan Work, TimeSpan Saliency) Timing =>
        (Interlocked.Read(ref _maps), TimeSpan.FromTicks(Interlocked.Read(ref _workTicks)), TimeSpan.FromTicks(Interlocked.Read(ref _saliencyTicks)));

    /// <summary>
    /// Builds (or resumes) the set in <paramref name="dir"/>. Thresholds given as quantiles are resolved first
    /// (semantic ones on all target × pool distances, saliency ones on a calibration sample of random edits).
    /// </summary>
    /// <exception cref="UserInputException">No target has candidates in both semantic ranges (nothing is written), or the folder holds another build.</exception>
    public DistractorSetSummary Build(DistractorInputs inputs, string dir, IReadOnlyDictionary<string, string> identity,
        IReadOnlyDictionary<string, string> paths, CancellationToken ct)
    {
        var targets = inputs.Targets;
        var pool = inputs.Pool;
        int nt = targets.Count, np = pool.Count;

        // Semantic distances of every target × pool pair (NaN for a target and itself).
        var distances = new double[(long)nt * np];
        Parallel.For(0, nt, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads, CancellationToken = ct }, t =>
        {
            for (int p = 0; p < np; p++)
                distances[(long)t * np + p] = targets[t].Id == pool[p].Id ? double.NaN : inputs.Space.Distance(targets[t].Id, pool[p].Id);
        });
        var observed = distances.Where(double.IsFinite).Order().ToArray();
        double similar = settings.SemanticSimilar.Resolve(observed), dissimilar = settings.SemanticDissimilar.Resolve(observed);
        if (!(similar <= dissimilar))
            throw new UserInputException(
                $"--semantic-similar ({settings.SemanticSimilar} = {similar:0.####}) must not exceed --semantic-dissimilar ({settings.SemanticDissimilar} = {dissimilar:0.####}); " +
                "otherwise one distractor could be both similar and dissimilar.");

        var candidates = new List<int>[nt, 2];
        var fitting = new List<int>[nt];
        for (int t = 0; t < nt; t++)
        {
            fitting[t] = new List<int>();
            candidates[t, 0] = new List<int>();
            candidates[t, 1] = new List<int>();
            var (tw, th) = inputs.TargetSizes[t];
            for (int p = 0; p < np; p++)
            {
                double d = distances[(long)t * np + p];
                if (double.IsNaN(d) || !PasteGeometry.Fits(tw, th, Size(inputs, t, p))) continue;
                fitting[t].Add(p);
                if (d < similar) candidates[t, 0].Add(p);
                if (d > dissimilar) candidates[t, 1].Add(p);
            }
        }
        var feasible = Enumerable.Range(0, nt).Count(t => candidates[t, 0].Count > 0 && candidates[t, 1].Count > 0);
        if (feasible == 0)
            throw new UserInputException(NoCandidateReport(inputs, candidates, observed, similar, dissimilar));

        bool resumed = BuildState.Prepare(dir, identity, paths);
        if (resumed) log.LogInformation("Resuming the distractor build in {Dir}", dir);

        // Saliency thresholds: absolute, or quantiles of the changes of random edits.
        IReadOnlyList<ScoredEdit> calibration = Array.Empty<ScoredEdit>();
        if (settings.NeedsCalibration) calibration = Calibrate(inputs, fitting, distances, dir, ct);
        var changes = calibration.Select(e => e.SaliencyChange).Where(double.IsFinite).Order().ToArray();
        double nonSalient = settings.NonSalient.Resolve(changes), salient = settings.Salient.Resolve(changes);
        if (!(nonSalient <= salient))
            throw new UserInputException(
                $"--non-salient ({settings.NonSalient} = {nonSalient:0.####}) must not exceed --salient ({settings.Salient} = {salient:0.####}).");
        var thresholds = new ResolvedThresholds(similar, dissimilar, nonSalient, salient);
        log.LogInformation("Thresholds: {Similar}, {Dissimilar}, {NonSalient}, {Salient}", thresholds.SemanticRule(false), thresholds.SemanticRule(true),
            thresholds.SaliencyRule(false), thresholds.SaliencyRule(true));

        // Targets: each built once, its record written last; records already on disk are reused.
        var progress = Path.Combine(dir, "progress");
        var images = Path.Combine(dir, "images");
        Directory.CreateDirectory(progress);
        Directory.CreateDirectory(images);
        var records = new TargetRecord?[nt];
        for (int t = 0; t < nt; t++) records[t] = TargetRecord.TryRead(RecordPath(progress, targets[t].Id), targets[t].Id);
        var todo = Enumerable.Range(0, nt).Where(t => records[t] is null).ToList();
        if (todo.Count < nt) log.LogInformation("{Done} of {Total} targets already built in {Dir}", nt - todo.Count, nt, dir);
        int finished = 0;
        var clock = Stopwatch.StartNew();
        using var scope = reporter?.Start("Distractors", todo.Count, "targets");
        Parallel.ForEach(todo, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads, CancellationToken = ct }, t =>
        {
            var record = BuildTarget(inputs, t, candidates[t, 0], candidates[t, 1], distances, thresholds, images);
            record.Write(RecordPath(progress, targets[t].Id));
            records[t] = record;
            int done = Interlocked.Increment(ref finished);
            scope?.Report(done);
            if (done % 25 == 0 || done == todo.Count)
                log.LogInformation("{Done}/{Total} targets built ({Rate:0.0} saliency maps per second)", done, todo.Count,
                    Interlocked.Read(ref _maps) / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
        });

        return DistractorSetWriter.Write(dir, inputs, records.Select(r => r!).ToList(), calibration, observed, thresholds, settings);
    }

    private (int Width, int Height) Size(DistractorInputs inputs, int t, int p)
    {
        var (tw, th) = inputs.TargetSizes[t];
        var (pw, ph) = inputs.PoolSizes[p];
        return PasteGeometry.PastedSize(tw, th, pw, ph, settings.AreaFraction);
    }

    private TargetRecord BuildTarget(DistractorInputs inputs, int t, List<int> similarCandidates, List<int> dissimilarCandidates,
        double[] distances, ResolvedThresholds thresholds, string imagesDir)
    {
        var started = Stopwatch.GetTimestamp();
        var target = inputs.Targets[t];
        var edits = new List<ScoredEdit>();
        var dropped = new List<DroppedCondition>();

        // No candidate in a semantic range: known without scoring anything.
        for (int g = 0; g < 2; g++)
        {
            if ((g == 0 ? similarCandidates : dissimilarCandidates).Count > 0) continue;
            var detail = NoCandidateDetail(inputs, t, distances, thresholds, dissimilar: g == 1);
            foreach (var c in DistractorConditions.All.Where(c => DistractorConditions.IsDissimilar(c) == (g == 1)))
                dropped.Add(new DroppedCondition(DistractorConditions.Name(c), DroppedCondition.NoCandidate, detail, 0));
        }
        if (dropped.Count > 0) return Finish(new TargetRecord(target.Id, edits, dropped));

        var baseline = ImageDecoder.Decode(target.ImagePath);
        var reference = Score(baseline, target.Id);
        if (!(Norm(reference) > 0))
        {
            foreach (var c in DistractorConditions.All)
                dropped.Add(new DroppedCondition(DistractorConditions.Name(c), DroppedCondition.ZeroSaliency,
                    "the baseline's saliency map is all zero, so a change of it is undefined", 0));
            return Finish(new TargetRecord(target.Id, edits, dropped));
        }

        int np = inputs.Pool.Count;
        var kept = new Dictionary<DistractorCondition, RgbImage>();
        for (int g = 0; g < 2 && dropped.Count == 0; g++)
        {
            bool dissimilar = g == 1;
            var open = DistractorConditions.All.Where(c => DistractorConditions.IsDissimilar(c) == dissimilar).ToList();
            var candidates = dissimilar ? dissimilarCandidates : similarCandidates;
            var rng = new SeededRandom(DeriveSeed(target.Id, Groups[g]));
            var order = candidates.ToArray();
            var patches = new Dictionary<int, RgbImage>();
            int tries = 0;
            double largest = double.NegativeInfinity, smallest = double.PositiveInfinity;
            for (; tries < settings.Tries && open.Count > 0; tries++)
            {
                if (tries % order.Length == 0) rng.Shuffle(order.AsSpan());
                int p = order[tries % order.Length];
                var (w, h) = Size(inputs, t, p);
                var (edge, x, y) = PasteGeometry.Place(rng, baseline.Width, baseline.Height, w, h);
                if (!patches.TryGetValue(p, out var patch))
                    patches[p] = patch = PasteGeometry.Resize(ImageDecoder.Decode(inputs.Pool[p].ImagePath), w, h);
                var edited = PasteGeometry.Paste(baseline, patch, x, y);
                double change = CosineDistance(reference, Score(edited, target.Id));
                if (double.IsFinite(change))
                {
                    largest = Math.Max(largest, change);
                    smallest = Math.Min(smallest, change);
                }
                string? acceptedAs = null;
                foreach (var c in open)
                {
                    if (!thresholds.SaliencyInRange(c, change)) continue;
                    open.Remove(c);
                    kept[c] = edited;
                    acceptedAs = DistractorConditions.Name(c);
                    break;
                }
                edits.Add(new ScoredEdit(Groups[g], tries + 1, inputs.Pool[p].Id, PasteGeometry.Name(edge), x, y, w, h,
                    distances[(long)t * np + p], change, acceptedAs));
            }
            foreach (var c in open)
            {
                bool salientRule = DistractorConditions.IsSalient(c);
                var seen = double.IsFinite(largest) ? $"; {(salientRule ? "largest" : "smallest")} change seen: {(salientRule ? largest : smallest):0.####}" : "";
                dropped.Add(new DroppedCondition(DistractorConditions.Name(c), DroppedCondition.TriesSpent,
                    $"{tries} edits with {candidates.Count} candidate{(candidates.Count == 1 ? "" : "s")} ({thresholds.SemanticRule(dissimilar)}) scored, " +
                    $"none with {thresholds.SaliencyRule(salientRule)}{seen}",
                    tries));
            }
        }

        if (dropped.Count == 0)
            foreach (var c in DistractorConditions.All)
                AtomicFile.WriteAllBytes(Path.Combine(imagesDir, DistractorConditions.EditedId(target.Id, c) + ".png"), PngEncoder.Encode(kept[c]));
        return Finish(new TargetRecord(target.Id, edits, dropped));

        TargetRecord Finish(TargetRecord r)
        {
            Interlocked.Add(ref _workTicks, Stopwatch.GetElapsedTime(started).Ticks);
            return r;
        }
    }

    /// <summary>Random edits (target, candidate, edge and position each drawn from the edit's own stream) whose saliency changes give the quantile thresholds.</summary>
    private IReadOnlyList<ScoredEdit> Calibrate(DistractorInputs inputs, List<int>[] fitting, double[] distances, string dir, CancellationToken ct)
    {
        var file = Path.Combine(dir, "calibration.csv");
        if (File.Exists(file) && ReadCalibration(file) is { } saved && saved.Count == settings.CalibrationEdits)
        {
            log.LogInformation("Calibration: {Count} edits read from {File}", saved.Count, file);
            return saved;
        }
        int n = settings.CalibrationEdits, np = inputs.Pool.Count;
        var usable = Enumerable.Range(0, inputs.Targets.Count).Where(t => fitting[t].Count > 0).ToArray();
        var plan = new (int Target, int Pool, ulong Seed)[n];
        for (int i = 0; i < n; i++)
        {
            var rng = new SeededRandom(DeriveSeed("calibration", i.ToString(CultureInfo.InvariantCulture)));
            int t = usable[rng.NextInt(usable.Length)];
            plan[i] = (t, fitting[t][rng.NextInt(fitting[t].Count)], rng.NextUInt64());
        }
        log.LogInformation("Calibration: scoring {Count} random edits for the quantile thresholds", n);
        var edits = new ScoredEdit[n];
        var byTarget = Enumerable.Range(0, n).GroupBy(i => plan[i].Target).ToList();
        Parallel.ForEach(byTarget, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads, CancellationToken = ct }, group =>
        {
            var started = Stopwatch.GetTimestamp();
            int t = group.Key;
            var target = inputs.Targets[t];
            var baseline = ImageDecoder.Decode(target.ImagePath);
            var reference = Score(baseline, target.Id);
            // A candidate drawn again for the same target is pasted at the same size: decode and resize it once.
            var patches = new Dictionary<int, RgbImage>();
            foreach (var i in group)
            {
                int p = plan[i].Pool;
                var (w, h) = Size(inputs, t, p);
                var (edge, x, y) = PasteGeometry.Place(new SeededRandom(plan[i].Seed), baseline.Width, baseline.Height, w, h);
                if (!patches.TryGetValue(p, out var patch))
                    patches[p] = patch = PasteGeometry.Resize(ImageDecoder.Decode(inputs.Pool[p].ImagePath), w, h);
                var edited = PasteGeometry.Paste(baseline, patch, x, y);
                edits[i] = new ScoredEdit("calibration", i + 1, inputs.Pool[p].Id, PasteGeometry.Name(edge), x, y, w, h,
                    distances[(long)t * np + p], CosineDistance(reference, Score(edited, target.Id)), null);
            }
            Interlocked.Add(ref _workTicks, Stopwatch.GetElapsedTime(started).Ticks);
        });
        var targetOf = plan.Select(x => inputs.Targets[x.Target].Id).ToArray();
        CsvTable.Write(file, CalibrationColumns, edits.Select((e, i) => (IReadOnlyList<string>)new[]
        {
            e.Try.ToString(CultureInfo.InvariantCulture), targetOf[i], e.DistractorId, e.Edge, I(e.X), I(e.Y), I(e.Width), I(e.Height),
            F(e.SemanticDistance), F(e.SaliencyChange),
        }));
        return edits;
    }

    public static readonly string[] CalibrationColumns =
        { "edit", "target_id", "distractor_id", "edge", "x", "y", "width", "height", "semantic_distance", "saliency_change" };

    private static List<ScoredEdit>? ReadCalibration(string file)
    {
        try
        {
            var csv = CsvTable.Read(file);
            if (!csv.Header.SequenceEqual(CalibrationColumns)) return null;
            return csv.Rows.Select(r => new ScoredEdit("calibration", int.Parse(r[0], CultureInfo.InvariantCulture), r[2], r[3],
                int.Parse(r[4], CultureInfo.InvariantCulture), int.Parse(r[5], CultureInfo.InvariantCulture),
                int.Parse(r[6], CultureInfo.InvariantCulture), int.Parse(r[7], CultureInfo.InvariantCulture), P(r[8]), P(r[9]), null)).ToList();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>The saliency target's RDM vector of an image (timed: the share of the build spent in saliency is reported).</summary>
    private float[] Score(RgbImage image, string targetId)
    {
        var started = Stopwatch.GetTimestamp();
        float[] v;
        try
        {
            v = saliency.ComputeVector(image);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Saliency target '{saliency.Name}' cannot score the image of target '{targetId}' ({image.Width} × {image.Height}): {e.Message}", e);
        }
        Interlocked.Add(ref _saliencyTicks, Stopwatch.GetElapsedTime(started).Ticks);
        Interlocked.Increment(ref _maps);
        return v;
    }

    /// <summary>Cosine distance 1 − a·b / (‖a‖ ‖b‖) of two saliency vectors, accumulated in float64; NaN when either is all zero.</summary>
    public static double CosineDistance(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new InvalidOperationException($"Saliency vectors of {a.Length} and {b.Length} values cannot be compared.");
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i], y = b[i];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return na > 0 && nb > 0 ? 1 - dot / Math.Sqrt(na * nb) : double.NaN;
    }

    private static double Norm(float[] v)
    {
        double s = 0;
        foreach (var x in v) s += (double)x * x;
        return Math.Sqrt(s);
    }

    private ulong DeriveSeed(params string[] parts) =>
        Convert.ToUInt64(ContentHash.Of(["replens-distractors", settings.Seed.ToString(CultureInfo.InvariantCulture), .. parts])[..16], 16);

    private static string RecordPath(string progress, string targetId) => Path.Combine(progress, targetId + ".json");

    private string NoCandidateDetail(DistractorInputs inputs, int t, double[] distances, ResolvedThresholds thresholds, bool dissimilar)
    {
        int np = inputs.Pool.Count;
        var row = Enumerable.Range(0, np).Select(p => distances[(long)t * np + p]).Where(double.IsFinite).ToList();
        int inRange = row.Count(d => dissimilar ? d > thresholds.DissimilarAbove : d < thresholds.SimilarBelow);
        var closest = row.Count == 0 ? "" : dissimilar ? $"; farthest: {row.Max():0.####}" : $"; nearest: {row.Min():0.####}";
        return inRange > 0
            ? $"{inRange} pool images with {thresholds.SemanticRule(dissimilar)}, but none fits inside the target at {settings.AreaFraction:0.###} of its area"
            : $"no pool image with {thresholds.SemanticRule(dissimilar)}{closest}";
    }

    private string NoCandidateReport(DistractorInputs inputs, List<int>[,] candidates, double[] observed, double similar, double dissimilar)
    {
        int nt = inputs.Targets.Count;
        int noSimilar = Enumerable.Range(0, nt).Count(t => candidates[t, 0].Count == 0);
        int noDissimilar = Enumerable.Range(0, nt).Count(t => candidates[t, 1].Count == 0);
        var range = observed.Length == 0 ? "no target × pool pair (the pool holds only the targets themselves)"
            : $"the {observed.Length} target × pool semantic distances range from {observed[0]:0.####} to {observed[^1]:0.####} " +
              $"(10th percentile {Threshold.Quantile(observed, 0.1):0.####}, 90th {Threshold.Quantile(observed, 0.9):0.####})";
        return $"No target can get all four conditions: {noSimilar} of {nt} targets have no pool image with semantic distance < {similar:0.####} " +
               $"(--semantic-similar {settings.SemanticSimilar}) and {noDissimilar} of {nt} none with semantic distance > {dissimilar:0.####} " +
               $"(--semantic-dissimilar {settings.SemanticDissimilar}); {range}. Nothing was written. " +
               "Absolute thresholds belong to the embedding model they were chosen for: with another, give quantiles (e.g. --semantic-similar q0.1 --semantic-dissimilar q0.9), " +
               "or a larger pool.";
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    internal static string F(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    internal static double P(string s) => s.Length == 0 ? double.NaN : double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
