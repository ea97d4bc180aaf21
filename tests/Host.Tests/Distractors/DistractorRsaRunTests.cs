using System.Globalization;
using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.Host.Tests.Cli;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Distractors;

/// <summary>
/// <c>distractor-rsa</c> end to end: a distractor set built from the synthetic fixture, then <c>replens run</c> with the
/// tiny CNN; the table's two terms are recomputed here from the RDMs the run wrote (a naive Spearman with average ranks).
/// </summary>
public sealed class DistractorRsaRunTests : IDisposable
{
    private static readonly string[] Conditions = { "control", "salient", "semantic", "semantic_salient" };
    private static readonly string[] Layers = { "relu", "avgpool" };

    private readonly TempDir _dir = new("replens-distractor-rsa");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Run_DeltaRsa_IsTheConditionRdmsRsaMinusTheBaselineRdmsRsa_AgainstTheBaselineTargets()
    {
        var inputs = new DistractorInputsFixture(_dir.File("inputs"));
        var set = _dir.File("set");
        var built = ReplensProcess.Run(_dir.Path, inputs.Args(set));
        Assert.True(built.ExitCode == 0, built.ToString());
        var output = _dir.File("run");
        string J(string p) => JsonSerializer.Serialize(p);
        var config = _dir.File("config.json");
        File.WriteAllText(config, $$"""
            { "stimuli": {{J(inputs.Stimuli)}}, "output": {{J(output)}}, "seed": 3,
              "models": [ { "name": "tiny", "family": "resnet", "onnx": {{J(Path.Combine(Repo.Root, "examples", "quickstart", "models", "tiny_cnn.onnx"))}}, "layers": ["relu", "avgpool"] } ],
              "targets": [ { "name": "saliency", "kind": "itti-koch" }, { "name": "category", "kind": "category" } ],
              "analyses": [ { "kind": "distractor-rsa", "distractors": {{J(set)}}, "bootstrap": 20 } ] }
            """);

        var r = ReplensProcess.Run(_dir.Path, "run", config);

        Assert.True(r.ExitCode == 0, r.ToString());
        var table = CsvTable.Read(Path.Combine(output, "tables", "distractor_rsa.csv"));
        Assert.Equal(new[] { "model", "layer", "depth", "condition", "target", "rsa_baseline", "rsa_condition", "delta", "abs_delta", "ci_low", "ci_high", "p_fdr" },
            table.Header.Take(12));
        Assert.Equal(Layers.Length * Conditions.Length * 2, table.Rows.Count);
        Assert.True(File.Exists(Path.Combine(output, "figures", "distractor_rsa_tiny.png")));
        var anyChange = false;
        foreach (var row in table.Rows)
        {
            string layer = row[1], condition = row[3], target = row[4];
            var targetRdm = Upper(Path.Combine(output, "rdms", "targets", target + ".npy"));
            var baseline = Upper(Directory.GetFiles(Path.Combine(output, "rdms", "tiny"), layer + "*.npy").Single());
            var edited = Upper(Directory.GetFiles(Path.Combine(output, "rdms", "tiny", "distractors", condition), layer + "*.npy").Single());
            double rb = Spearman(baseline, targetRdm), rc = Spearman(edited, targetRdm);
            Assert.Equal(rb, D(row[5]), 1e-9);
            Assert.Equal(rc, D(row[6]), 1e-9);
            Assert.Equal(rc - rb, D(row[7]), 1e-9);
            Assert.Equal(Math.Abs(rc - rb), D(row[8]), 1e-9);
            anyChange |= !baseline.SequenceEqual(edited);
        }
        Assert.True(anyChange, "every condition RDM equals the baseline's: the edited images were not used");
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>The upper triangle (i &lt; j, row by row) of a square RDM file.</summary>
    private static double[] Upper(string path)
    {
        var a = Npy.ReadFloat64(path);
        int n = a.Dimension(0);
        var v = new List<double>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                v.Add(a.Data[i * n + j]);
        return v.ToArray();
    }

    private static double Spearman(double[] a, double[] b)
    {
        double[] ra = Ranks(a), rb = Ranks(b);
        double ma = ra.Average(), mb = rb.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    private static double[] Ranks(double[] v)
    {
        var r = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            int below = 0, equal = 0;
            foreach (var x in v)
            {
                if (x < v[i]) below++;
                else if (x == v[i]) equal++;
            }
            r[i] = below + (equal + 1) / 2.0;
        }
        return r;
    }
}
