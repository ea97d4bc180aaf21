using System.Globalization;
using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Tests.Cli;
using RepLens.Plugins.Brain.Simulation;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Analyses;

/// <summary>
/// brain-rsa end to end on a simulated Algonauts data set with planted structure: early visual ROIs
/// driven by low-level features, ventral ROIs by a semantic embedding, subject-specific noise; one
/// ROI removed for one subject.
/// </summary>
public sealed class BrainRsaFixture : IDisposable
{
    private readonly TempDir _dir = new("replens-brain");

    public BrainRsaFixture()
    {
        Data = SimulatedAlgonautsDataset.Write(_dir.File("nsd"), new SimulatedAlgonautsOptions
        {
            Seed = 11, Subjects = 4, Images = 40, MissingRois = new[] { new SimulatedRoiLoss(2, "PPA") },
        });
        File.WriteAllLines(_dir.File("ids.txt"), Data.StimulusIds);
        Output = _dir.File("run");
        string J(string p) => JsonSerializer.Serialize(p);
        var config = _dir.File("config.json");
        File.WriteAllText(config, $$"""
            { "stimuli": {{J(Data.StimulusTablePath)}}, "output": {{J(Output)}}, "seed": 5,
              "targets": [
                { "name": "lowlevel", "kind": "vectors", "metric": "correlation", "options": { "file": {{J(Path.Combine(Data.Root, "features", "lowlevel.npy"))}}, "ids": {{J(_dir.File("ids.txt"))}} } },
                { "name": "semantic", "kind": "vectors", "metric": "correlation", "options": { "file": {{J(Path.Combine(Data.Root, "features", "semantic.npy"))}}, "ids": {{J(_dir.File("ids.txt"))}} } } ],
              "models": [ { "name": "tiny", "family": "resnet", "onnx": {{J(Path.Combine(Repo.Root, "examples", "quickstart", "models", "tiny_cnn.onnx"))}}, "layers": ["layer1.0.relu", "layer2.1.relu_1", "avgpool"] } ],
              "brain": [ { "name": "sim", "loader": "algonauts", "root": {{J(Data.Root)}} } ],
              "analyses": [ { "kind": "brain-rsa", "roiMetric": "correlation", "permutations": 200, "bootstrap": 50,
                              "rois": ["V1v", "V2v", "V3v", "FFA-1", "PPA", "VWFA-1"] } ] }
            """);
        Result = ReplensProcess.Run(_dir.Path, "run", config);
    }

    public SimulatedAlgonauts Data { get; }

    public string Output { get; }

    public ReplensProcess.Result Result { get; }

    public void Dispose() => _dir.Dispose();
}

public sealed class BrainRsaTests(BrainRsaFixture run) : IClassFixture<BrainRsaFixture>
{
    private IReadOnlyList<string[]> Rows(string table)
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        return CsvTable.Read(Path.Combine(run.Output, "tables", table + ".csv")).Rows;
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private double TargetR(string roi, string target) => D(Rows("brain_rsa").Single(r => r[1] == roi && r[2] == "target" && r[7] == target)[8]);

    [Theory]
    [InlineData("V1v")]
    [InlineData("V2v")]
    [InlineData("V3v")]
    public void EarlyRois_MatchLowLevelFeaturesBetterThanSemantics(string roi) =>
        Assert.True(TargetR(roi, "lowlevel") > TargetR(roi, "semantic") + 0.2, $"{roi}: {TargetR(roi, "lowlevel")} vs {TargetR(roi, "semantic")}");

    [Theory]
    [InlineData("FFA-1")]
    [InlineData("PPA")]
    [InlineData("VWFA-1")]
    public void VentralRois_MatchSemanticsBetterThanLowLevelFeatures(string roi) =>
        Assert.True(TargetR(roi, "semantic") > TargetR(roi, "lowlevel") + 0.2, $"{roi}: {TargetR(roi, "semantic")} vs {TargetR(roi, "lowlevel")}");

    [Fact]
    public void NoiseCeilings_EqualTheFormulasOnTheSimulatedResponses()
    {
        var ceilings = Rows("brain_noise_ceilings");
        foreach (var roi in new[] { "V1v", "FFA-1" })
        {
            var ids = run.Data.StimulusIds;
            var subjectRdms = run.Data.Subjects.Select(s =>
            {
                double[] Hemi(Hemisphere h)
                {
                    var m = run.Data.Expected(s.Id, roi, h)!;
                    var order = ids.Select(id => s.StimulusIds.ToList().IndexOf(id)).ToArray();
                    return CorrelationDistances(m, order);
                }
                var l = Hemi(Hemisphere.Left);
                var r = Hemi(Hemisphere.Right);
                return l.Select((v, k) => (v + r[k]) / 2).ToArray();
            }).ToList();
            int n = subjectRdms.Count;
            var mean = Mean(subjectRdms);
            double upper = subjectRdms.Average(x => Oracles.Spearman(mean, x));
            double lower = Enumerable.Range(0, n).Average(k => Oracles.Spearman(Mean(subjectRdms.Where((_, j) => j != k).ToList()), subjectRdms[k]));
            var row = ceilings.Single(x => x[1] == roi && x[2] == "mean");
            Assert.Equal(lower, D(row[3]), 1e-6);
            Assert.Equal(upper, D(row[4]), 1e-6);
        }
    }

    [Fact]
    public void MissingRoi_IsNaNForThatSubjectWithAWarningAndNeverAnotherRoisData()
    {
        var ppa = Rows("brain_rsa").Where(r => r[1] == "PPA").ToList();
        Assert.All(ppa, r => Assert.Equal("3", r[16]));
        Assert.DoesNotContain(Rows("brain_rsa_subjects"), r => r[1] == "PPA" && r[2] == "subj03");
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Output, "manifest.json"))).RootElement;
        Assert.Contains(manifest.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("subject subj03 has no ROI PPA"));
    }

    [Fact]
    public void Outputs_IncludeLayersFiguresAndTheLayerSummary()
    {
        Assert.Equal(6 * 3, Rows("brain_rsa").Count(r => r[2] == "layer"));
        Assert.Equal(6 * 2, Rows("brain_layer_summary").Count);
        foreach (var f in new[] { "brain_targets_sim.png", "brain_layers_sim_tiny.png", "brain_layer_summary_sim_semantic.png" })
            Assert.True(File.Exists(Path.Combine(run.Output, "figures", f)), f);
        Assert.Contains("brain-rsa", File.ReadAllText(Path.Combine(run.Output, "report.html")));
    }

    private static double[] CorrelationDistances(FloatMatrix m, int[] order)
    {
        int n = order.Length, v = m.Columns;
        var result = new List<double>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                var a = m.Row(order[i]).ToArray().Select(x => (double)x).ToArray();
                var b = m.Row(order[j]).ToArray().Select(x => (double)x).ToArray();
                double ma = a.Average(), mb = b.Average(), num = 0, da = 0, db = 0;
                for (int k = 0; k < v; k++) { num += (a[k] - ma) * (b[k] - mb); da += (a[k] - ma) * (a[k] - ma); db += (b[k] - mb) * (b[k] - mb); }
                result.Add(1 - num / Math.Sqrt(da * db));
            }
        return result.ToArray();
    }

    private static double[] Mean(IReadOnlyList<double[]> x) => Enumerable.Range(0, x[0].Length).Select(k => x.Average(r => r[k])).ToArray();

}
