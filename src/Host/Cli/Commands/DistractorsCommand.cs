using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Host.Distractors;
using RepLens.Host.Plugins;
using RepLens.Host.Run;

namespace RepLens.Host.Cli.Commands;

/// <summary>
/// <c>replens distractors</c>: the seed study's distractor set — per baseline image four edited versions
/// (control, salient, semantic, semantic_salient) with a pool image pasted at 10% of its area against a random
/// edge — see <see cref="DistractorBuilder"/>. Writes <c>DIR/images/&lt;target_id&gt;__&lt;condition&gt;.png</c>,
/// <c>DIR/distractors.csv</c>, <c>DIR/stimuli.csv</c> (a stimulus table of the edited images), <c>DIR/dropped.csv</c>,
/// <c>DIR/edits.csv</c> (every scored edit), <c>DIR/summary.json</c> and <c>DIR/distributions.png/.svg</c>. A rerun
/// with the same inputs resumes where an interrupted build stopped.
/// </summary>
internal static class DistractorsCommand
{
    public static Command Create()
    {
        var stimuli = new Option<string>("--stimuli") { Description = "The baseline images: a stimulus table (CSV: id, path[, category][, captions]) or a folder.", Required = true, HelpName = "TARGETS.csv" };
        var pool = new Option<string>("--pool") { Description = "The candidate distractors: a stimulus table or a folder.", Required = true, HelpName = "POOL.csv" };
        var embeddings = new Option<string>("--embeddings") { Description = "Caption embeddings of targets and pool: an (M × D) float32 .npy (e.g. from `replens semantics`).", Required = true, HelpName = "E.npy" };
        var ids = new Option<string>("--ids") { Description = "The stimulus id of each row of --embeddings, one per line.", Required = true, HelpName = "IDS.txt" };
        var output = new Option<string>("--out") { Description = "Output folder (new or empty; or an earlier build of the same inputs, which is resumed).", Required = true, HelpName = "DIR" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every random choice (default 0).", DefaultValueFactory = _ => 0UL };
        var tries = new Option<int>("--tries") { Description = $"Edits scored per target and semantic group before the group's open conditions are given up (default {DistractorSettings.DefaultTries}).", DefaultValueFactory = _ => DistractorSettings.DefaultTries };
        var similar = Threshold("--semantic-similar", DistractorSettings.DefaultSimilar, "a similar distractor's semantic distance is below it");
        var dissimilar = Threshold("--semantic-dissimilar", DistractorSettings.DefaultDissimilar, "a dissimilar distractor's semantic distance is above it");
        var salient = Threshold("--salient", DistractorSettings.DefaultSalient, "a salient edit's saliency change is above it");
        var nonSalient = Threshold("--non-salient", DistractorSettings.DefaultNonSalient, "a non-salient edit's saliency change is below it");
        var area = new Option<double>("--area") { Description = "Area of the pasted rectangle as a fraction of the baseline image's (default 0.1).", DefaultValueFactory = _ => DistractorSettings.DefaultAreaFraction };
        var calibration = new Option<int>("--calibration") { Description = $"Random edits scored to observe the saliency-change distribution, when a saliency threshold is a quantile (default {DistractorSettings.DefaultCalibrationEdits}).", DefaultValueFactory = _ => DistractorSettings.DefaultCalibrationEdits };
        var kind = new Option<string>("--kind") { Description = $"Saliency target kind (any target that computes maps from images). Default: {SaliencyCommand.DefaultKind}.", DefaultValueFactory = _ => SaliencyCommand.DefaultKind };
        var optionsFile = new Option<string?>("--options") { Description = "A JSON file with the saliency target's options (as in a config's target \"options\")." };
        var onBad = new Option<string>("--on-bad-image") { Description = "stop (default) or skip images that cannot be decoded, and pool images too small to paste without enlarging.", DefaultValueFactory = _ => "stop" };
        var threads = new Option<int>("--threads") { Description = "Targets built at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var cmd = new Command("distractors",
            "Builds the distractor set of the seed study: per baseline image, four edited versions (control, salient, semantic, semantic_salient) " +
            "with a pool image pasted at 10% of its area against a random edge, chosen by semantic distance and saliency change.")
        {
            stimuli, pool, embeddings, ids, output, seed, tries, similar, dissimilar, salient, nonSalient, area, calibration, kind, optionsFile, onBad, threads,
        };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(parse, ct, (sp, token) =>
        {
            var settings = new DistractorSettings(
                parse.GetValue(seed),
                Positive(parse.GetValue(tries), "--tries"),
                Distractors.Threshold.Parse(parse.GetValue(similar)!, "--semantic-similar"),
                Distractors.Threshold.Parse(parse.GetValue(dissimilar)!, "--semantic-dissimilar"),
                Distractors.Threshold.Parse(parse.GetValue(salient)!, "--salient"),
                Distractors.Threshold.Parse(parse.GetValue(nonSalient)!, "--non-salient"),
                parse.GetValue(area) is var a && a > 0 && a < 1 ? a : throw new ConfigurationErrorException("--area", $"expected a fraction of the image's area between 0 and 1 (exclusive); got {a}."),
                Positive(parse.GetValue(calibration), "--calibration"),
                Positive(parse.GetValue(threads), "--threads"));
            var policy = EnumNames.Parse<BadImagePolicy>(parse.GetValue(onBad), "--on-bad-image");
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("replens.distractors");

            var kindName = parse.GetValue(kind)!;
            var target = sp.GetRequiredService<ExtensionDirectory>().Target(kindName, "--kind");
            IConfiguredTarget configured;
            try
            {
                configured = target.Open(new TargetRequest(kindName, SaliencyCommand.ReadOptions(parse.GetValue(optionsFile))));
            }
            catch (ConfigurationErrorException e)
            {
                throw new ConfigurationErrorException(e.Path, $"target kind '{kindName}': {e.Problem}");
            }
            try
            {
                if (configured is not IImageMapTarget maps)
                    throw new UserInputException(
                        $"--kind: target kind '{kindName}' gives no per-image maps (its configured target does not implement IImageMapTarget); " +
                        $"the distractor builder scores edited images it computes the maps of, so it needs a kind such as '{SaliencyCommand.DefaultKind}'.");
                return Task.FromResult(Run(parse, stimuli, pool, embeddings, ids, output, maps, kindName, settings, policy, log, token));
            }
            finally
            {
                (configured as IDisposable)?.Dispose();
            }
        }));
        return cmd;
    }

    private static int Run(ParseResult parse, Option<string> stimuli, Option<string> pool, Option<string> embeddings, Option<string> ids, Option<string> output,
        IImageMapTarget saliency, string kind, DistractorSettings settings, BadImagePolicy policy, ILogger log, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        string Full(Option<string> o) => Path.GetFullPath(parse.GetValue(o)!);
        var inputs = DistractorInputs.Load(Full(stimuli), Full(pool), Full(embeddings), Full(ids), settings.AreaFraction, policy, log);
        var dir = Full(output);
        var inv = CultureInfo.InvariantCulture;
        var (targetKey, poolKey) = inputs.ContentKeys();
        var identity = new Dictionary<string, string>
        {
            ["targets"] = targetKey,
            ["pool"] = poolKey,
            ["embeddings"] = ContentHash.OfFile(Full(embeddings)),
            ["ids"] = ContentHash.OfFile(Full(ids)),
            ["saliencyKind"] = kind,
            ["saliencyFingerprint"] = saliency.Fingerprint,
            ["seed"] = settings.Seed.ToString(inv),
            ["tries"] = settings.Tries.ToString(inv),
            ["area"] = settings.AreaFraction.ToString("R", inv),
            ["semanticSimilar"] = settings.SemanticSimilar.ToString(),
            ["semanticDissimilar"] = settings.SemanticDissimilar.ToString(),
            ["salient"] = settings.Salient.ToString(),
            ["nonSalient"] = settings.NonSalient.ToString(),
            ["calibration"] = settings.NeedsCalibration ? settings.CalibrationEdits.ToString(inv) : "none",
            ["onBadImage"] = EnumNames.Name(policy),
        };
        var paths = new Dictionary<string, string>
        {
            ["stimuli"] = Full(stimuli), ["pool"] = Full(pool), ["embeddings"] = Full(embeddings), ["ids"] = Full(ids),
        };
        foreach (var w in inputs.Warnings) log.LogWarning("{Warning}", w);
        log.LogInformation("Distractors: {Targets} targets, {Pool} pool images, {Dimensions}-d embeddings, saliency '{Kind}'",
            inputs.Targets.Count, inputs.Pool.Count, inputs.Space.Dimensions, kind);

        var builder = new DistractorBuilder(saliency, settings, log, Progress.ProgressReporter.FromEnvironment(log));
        var summary = builder.Build(inputs, dir, identity, paths, token);
        var (maps, work, saliencyTime) = builder.Timing;
        var t = summary.Thresholds;
        var lines = new List<string>
        {
            $"Distractor set → {dir}: {summary.Kept} of {summary.Targets} targets kept ({summary.Kept * 4} edited images), {summary.DroppedTargets} dropped" +
                (summary.DroppedTargets > 0 ? ":" : "."),
        };
        if (summary.DroppedTargets > 0) lines.Add(summary.DropLines());
        lines.Add($"Thresholds: {t.SemanticRule(false)}, {t.SemanticRule(true)}, {t.SaliencyRule(false)}, {t.SaliencyRule(true)}.");
        if (maps > 0)
            lines.Add(string.Create(inv, $"Computed {maps} saliency maps (edited images and baselines) in {clock.Elapsed.TotalSeconds:0.0} s: " +
                $"{maps / Math.Max(1e-9, clock.Elapsed.TotalSeconds):0.0} images/s on {settings.Threads} threads, " +
                $"saliency {100 * saliencyTime.TotalSeconds / Math.Max(1e-9, work.TotalSeconds):0}% of the workers' time."));
        else
            lines.Add("Every target was already built; the tables were rewritten from the records in progress/.");
        if (summary.Kept == 0)
            throw new UserInputException(string.Join(Environment.NewLine, lines) + Environment.NewLine +
                $"No target got all four conditions, so no distractor set was written; the reasons per target are in {Path.Combine(dir, "dropped.csv")}, " +
                $"the observed distributions in {Path.Combine(dir, "distributions.png")}. More --tries, a larger pool, or quantile thresholds (e.g. --salient q0.9) may help.");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
        return ExitCodes.Success;
    }

    private static Option<string> Threshold(string name, double fallback, string meaning) => new(name)
    {
        Description = $"Threshold: {meaning}. A cosine distance (default {fallback.ToString(CultureInfo.InvariantCulture)}, the seed paper's), or qP for the P-quantile of the observed distances (e.g. q0.9).",
        DefaultValueFactory = _ => fallback.ToString(CultureInfo.InvariantCulture),
    };

    private static int Positive(int value, string option) =>
        value >= 1 ? value : throw new ConfigurationErrorException(option, $"expected a positive number; got {value}.");
}
