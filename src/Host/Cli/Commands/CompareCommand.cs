using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Host.Data;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens compare A.npy B.npy</c>: compare two RDMs, with permutation p and bootstrap CI.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("A") { Description = "An RDM (.npy): square N × N, or condensed (N(N−1)/2 values, pdist order)." };
        var bArg = new Argument<string>("B") { Description = "Another RDM over the same N stimuli, in the same order." };
        var method = new Option<string>("--method") { Description = "spearman, pearson, kendall-tau-a or cosine.", DefaultValueFactory = _ => "spearman" };
        var permutations = new Option<int>("--permutations") { Description = "Stimulus-label permutations for a p-value (0 = none).", DefaultValueFactory = _ => 0 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples of stimuli for a confidence interval (0 = none).", DefaultValueFactory = _ => 0 };
        var level = new Option<double>("--level") { Description = "Confidence level of the bootstrap interval.", DefaultValueFactory = _ => 0.95 };
        var seed = new Option<int>("--seed") { Description = "Seed of the permutations and the bootstrap (same seed, same output).", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: r, and p / ci when asked." };
        var cmd = new Command("compare", "Compare two RDMs (NaN pairs left out of both), optionally with a permutation test and a bootstrap confidence interval.")
        {
            a, bArg, method, permutations, bootstrap, level, seed, json,
        };
        cmd.SetAction((parse, ct) => CommandRunner.RunCoreAsync(parse, ct, (_, _) =>
        {
            var m = EnumNames.Parse<ComparisonMethod>(parse.GetValue(method), "--method");
            int k = parse.GetValue(permutations), boot = parse.GetValue(bootstrap), s = parse.GetValue(seed);
            if (k < 0) throw new ConfigurationErrorException("--permutations", "must be ≥ 0.");
            if (boot < 0) throw new ConfigurationErrorException("--bootstrap", "must be ≥ 0.");
            var lv = parse.GetValue(level);
            if (lv is <= 0 or >= 1) throw new ConfigurationErrorException("--level", "must be between 0 and 1.");
            var ra = RdmFile.Read(parse.GetValue(a)!);
            var rb = RdmFile.Read(parse.GetValue(bArg)!);
            if (ra.Count != rb.Count)
                throw new InvalidDataException($"{parse.GetValue(a)} has {ra.Count} stimuli and {parse.GetValue(bArg)} has {rb.Count}; RDMs must be over the same stimuli.");
            var rb2 = new Rdm(ra.Ids, rb.CondensedArray, rb.Metric);

            double r = RdmComparer.Compare(ra, rb2, m);
            double? p = k > 0 ? PermutationTest.Run(rb2, ra, m, k, (ulong)s).PValue : null;
            (double Low, double High)? ci = null;
            if (boot > 0)
            {
                var b = StimulusBootstrap.Compare(ra, rb2, m, boot, (ulong)s, lv);
                ci = (b.Lower, b.Upper);
            }

            var inv = CultureInfo.InvariantCulture;
            if (parse.GetValue(json))
            {
                var o = new Dictionary<string, object?> { ["method"] = EnumNames.Name(m), ["r"] = r, ["n_stimuli"] = ra.Count };
                if (p is not null) { o["p"] = p; o["permutations"] = k; }
                if (ci is { } c) { o["ci"] = new[] { c.Low, c.High }; o["bootstrap"] = boot; o["level"] = lv; }
                if (k > 0 || boot > 0) o["seed"] = s;
                Console.WriteLine(JsonSerializer.Serialize(o, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            }
            else
            {
                Console.WriteLine(string.Create(inv, $"{EnumNames.Name(m)} r = {r:0.######} over {ra.Count} stimuli"));
                if (p is not null) Console.WriteLine(string.Create(inv, $"p = {p:0.######} ({k} permutations of stimulus labels, seed {s})"));
                if (ci is { } c) Console.WriteLine(string.Create(inv, $"{lv:P0} CI [{c.Low:0.######}, {c.High:0.######}] ({boot} bootstrap resamples of stimuli, seed {s})"));
            }
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }
}
