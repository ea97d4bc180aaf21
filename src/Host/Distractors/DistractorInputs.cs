using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Host.Data;
using RepLens.Host.Run;
using RepLens.Imaging;

namespace RepLens.Host.Distractors;

/// <summary>
/// The checked inputs of a distractor build: the baseline (target) images, the pool of candidate distractors
/// and their caption embeddings. Everything that can be wrong with them is found here, before any output is
/// written: undecodable images, ids that cannot name a file, an id used for two different images, embeddings
/// that do not match the tables, pool images too small to be pasted without enlarging them, an empty pool.
/// </summary>
internal sealed class DistractorInputs
{
    private DistractorInputs(StimulusTable targets, IReadOnlyList<(int Width, int Height)> targetSizes, StimulusTable pool,
        IReadOnlyList<(int Width, int Height)> poolSizes, SemanticSpace space, IReadOnlyList<string> warnings)
    {
        Targets = targets;
        TargetSizes = targetSizes;
        Pool = pool;
        PoolSizes = poolSizes;
        Space = space;
        Warnings = warnings;
    }

    public StimulusTable Targets { get; }
    public IReadOnlyList<(int Width, int Height)> TargetSizes { get; }
    public StimulusTable Pool { get; }
    public IReadOnlyList<(int Width, int Height)> PoolSizes { get; }
    public SemanticSpace Space { get; }

    /// <summary>Pool images or targets left out under <see cref="BadImagePolicy.Skip"/>, one line each.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Reads and checks the inputs (see the class remarks); throws with a message naming the file and id.</summary>
    public static DistractorInputs Load(string stimuliPath, string poolPath, string embeddingsPath, string idsPath,
        double areaFraction, BadImagePolicy policy, ILogger log)
    {
        var targets = StimulusTableReader.Read(stimuliPath);
        var pool = StimulusTableReader.Read(poolPath);
        foreach (var s in targets) CheckFileName(s.Id, targets.Source);
        foreach (var s in pool)
        {
            int t = targets.IndexOf(s.Id);
            if (t >= 0 && !string.Equals(Path.GetFullPath(targets[t].ImagePath), Path.GetFullPath(s.ImagePath), StringComparison.Ordinal))
                throw new InvalidDataException(
                    $"Stimulus id '{s.Id}' names two different images: '{targets[t].ImagePath}' in {targets.Source} and '{s.ImagePath}' in {pool.Source}. " +
                    "Embeddings are matched by id, so an id must mean one image; rename one of them.");
        }
        // The embeddings are checked against the tables as given, before any image is skipped.
        var space = SemanticSpace.Load(embeddingsPath, idsPath, targets, pool);

        var warnings = new List<string>();
        var checkedTargets = StimulusImageCheck.Apply(targets, policy, log, minimumKept: 0);
        var checkedPool = StimulusImageCheck.Apply(pool, policy, log, minimumKept: 0);
        warnings.AddRange(checkedTargets.Skipped.Select(s => $"target '{s.Id}' ({s.Path}) left out: {s.Problem}"));
        warnings.AddRange(checkedPool.Skipped.Select(s => $"pool image '{s.Id}' ({s.Path}) left out: {s.Problem}"));
        targets = checkedTargets.Kept;
        pool = checkedPool.Kept;
        if (targets.Count == 0) throw new InvalidDataException($"{targets.Source}: no target image can be decoded.");
        var targetSizes = targets.Select(s => ImageDecoder.ReadSize(s.ImagePath)).ToList();
        var poolSizes = pool.Select(s => ImageDecoder.ReadSize(s.ImagePath)).ToList();

        // A distractor is only ever shrunk: a pool image smaller than its pasted rectangle on some target is refused (or left out).
        var tooSmall = new List<(int Pool, string Message)>();
        for (int p = 0; p < pool.Count; p++)
        {
            var (pw, ph) = poolSizes[p];
            for (int t = 0; t < targets.Count; t++)
            {
                var (tw, th) = targetSizes[t];
                var size = PasteGeometry.PastedSize(tw, th, pw, ph, areaFraction);
                if (!PasteGeometry.Fits(tw, th, size) || (pw >= size.Width && ph >= size.Height)) continue;
                tooSmall.Add((p, $"pool image '{pool[p].Id}' ({pool[p].ImagePath}) is {pw} × {ph} pixels, smaller than the {size.Width} × {size.Height} " +
                                 $"rectangle it would be pasted at on target '{targets[t].Id}' ({tw} × {th}, {areaFraction:0.###} of its area)"));
                break;
            }
        }
        if (tooSmall.Count > 0 && policy == BadImagePolicy.Stop)
            throw new InvalidDataException(
                $"{pool.Source}: {tooSmall.Count} pool image{(tooSmall.Count == 1 ? " is" : "s are")} too small; distractors are shrunk to their pasted size, never enlarged " +
                "(use larger images, or --on-bad-image skip to leave them out):" + Environment.NewLine +
                string.Join(Environment.NewLine, tooSmall.Take(20).Select(s => "  " + s.Message)) +
                (tooSmall.Count > 20 ? $"{Environment.NewLine}  … and {tooSmall.Count - 20} more" : ""));
        foreach (var (_, message) in tooSmall)
        {
            log.LogWarning("Left out: {Message}", message);
            warnings.Add(message + "; left out");
        }
        var small = tooSmall.Select(s => s.Pool).ToHashSet();
        var usable = Enumerable.Range(0, pool.Count).Where(p => !small.Contains(p)).ToList();
        if (usable.Count == 0)
            throw new InvalidDataException(
                $"{pool.Source}: the pool has no usable image ({checkedPool.Skipped.Count} undecodable, {small.Count} too small for their pasted size); " +
                "a distractor set needs candidate images.");
        var keptPool = new StimulusTable(usable.Select(p => pool[p]), pool.Source);
        return new DistractorInputs(targets, targetSizes, keptPool, usable.Select(p => poolSizes[p]).ToList(), space, warnings);
    }

    /// <summary>Creates inputs held in memory (tests); sizes are read from the image files.</summary>
    public static DistractorInputs FromTables(StimulusTable targets, StimulusTable pool, SemanticSpace space) =>
        new(targets, targets.Select(s => ImageDecoder.ReadSize(s.ImagePath)).ToList(), pool,
            pool.Select(s => ImageDecoder.ReadSize(s.ImagePath)).ToList(), space, Array.Empty<string>());

    /// <summary>Identity of the inputs for resuming: ids and image bytes of both tables (in order).</summary>
    public (string Targets, string Pool) ContentKeys() => (StimulusSetKey.Compute(Targets), StimulusSetKey.Compute(Pool));

    private static void CheckFileName(string id, string source)
    {
        if (id is "." or ".." || id.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || id.Contains('\\'))
            throw new InvalidDataException($"{source}: stimulus id '{id}' cannot name a file (<id>__<condition>.png); use ids without '/', '\\' or control characters.");
    }
}
