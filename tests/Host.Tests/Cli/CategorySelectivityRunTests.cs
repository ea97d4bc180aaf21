using System.Globalization;
using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>"kind": "category-selectivity"</c> in <c>replens run</c>, end to end on the quick-start data (6 categories × 8 images, tiny CNN).</summary>
public sealed class CategorySelectivityRunTests : IDisposable
{
    private const string Layers = "\"layer2.0.relu\", \"layer2.0.relu_1\", \"layer4.1.relu_1\", \"avgpool\"";

    private readonly TempDir _dir = new("replens-selectivity-run");

    private static string Quickstart(string path) => Path.Combine(Repo.Root, "examples", "quickstart", path);

    private string WriteConfig(string output, string analysis = "{ \"kind\": \"category-selectivity\" }", string? stimuli = null)
    {
        var path = _dir.File($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""
            {
              "stimuli": {{JsonSerializer.Serialize(stimuli ?? Quickstart("stimuli.csv"))}},
              "output": {{JsonSerializer.Serialize(output)}},
              "cache": {{JsonSerializer.Serialize(_dir.File("cache"))}},
              "models": [ { "name": "tiny", "family": "resnet", "onnx": {{JsonSerializer.Serialize(Quickstart("models/tiny_cnn.onnx"))}}, "layers": [ {{Layers}} ] } ],
              "analyses": [ {{analysis}} ]
            }
            """);
        return path;
    }

    [Fact]
    public void Run_Quickstart_WritesTablesFiguresAndAgreesWithTheSelectivityCommand()
    {
        var output = _dir.File("run");

        var r = ReplensProcess.Run(_dir.Path, "run", WriteConfig(output));

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var f in new[] { "tables/category_selectivity.csv", "tables/category_selectivity_consistency.csv", "figures/category_selectivity.png",
                     "figures/category_selectivity.svg", "figures/category_selectivity_csi_tiny.png", "figures/category_selectivity_csi_tiny.svg" })
            Assert.True(File.Exists(Path.Combine(output, f)), $"missing {f}\n{r}");
        var table = CsvTable.Read(Path.Combine(output, "tables", "category_selectivity.csv"));
        Assert.Equal(new[] { "model", "layer", "depth", "relative_depth", "category", "n_units", "n_selective", "proportion", "mean_csi", "csi_undefined",
            "channels_with_selective", "channel_entropy" }, table.Header.Take(12));
        Assert.Equal(4 * 6, table.Rows.Count);
        string Cell(string[] row, string column) => row[table.ColumnIndex(column)];
        Assert.All(table.Rows, row => Assert.Equal("8", Cell(row, "n_images")));
        Assert.Contains(table.Rows, row => int.Parse(Cell(row, "n_selective"), CultureInfo.InvariantCulture) > 0);

        // The same layer through `replens extract` and `replens selectivity`, with the run's stimuli.csv as labels.
        var extracted = _dir.File("extracted");
        var e = ReplensProcess.Run(_dir.Path, "extract", "--onnx", Quickstart("models/tiny_cnn.onnx"), "--family", "resnet",
            "--images", Quickstart("stimuli.csv"), "--layers", "layer2.0.relu", "--out", extracted);
        Assert.True(e.ExitCode == 0, e.ToString());
        var s = ReplensProcess.Run(_dir.Path, "selectivity", Path.Combine(extracted, "layer2.0.relu.npy"), "--labels", Path.Combine(output, "stimuli.csv"),
            "--shape", "32,14,14", "--out", _dir.File("cli"));
        Assert.True(s.ExitCode == 0, s.ToString());
        var summary = CsvTable.Read(_dir.File("cli/summary.csv"));
        foreach (var line in summary.Rows)
        {
            var row = table.Rows.Single(x => x[1] == "layer2.0.relu" && x[4] == line[0]);
            Assert.Equal(line[summary.ColumnIndex("count")], Cell(row, "n_selective"));
            Assert.Equal(line[summary.ColumnIndex("mean_csi")], Cell(row, "mean_csi"));
            Assert.Equal(line[summary.ColumnIndex("channel_entropy")], Cell(row, "channel_entropy"));
            Assert.Equal(line[summary.ColumnIndex("p_threshold")], Cell(row, "p_threshold"));
        }

        var consistency = CsvTable.Read(Path.Combine(output, "tables", "category_selectivity_consistency.csv"));
        Assert.Equal(6 * 6, consistency.Rows.Count); // 6 pairs of 4 layers × 6 categories
        var sameShape = consistency.Rows.Where(x => x[2] == "layer2.0.relu" && x[3] == "layer2.0.relu_1").ToList();
        Assert.All(sameShape, x => Assert.Equal("true", x[consistency.ColumnIndex("same_shape")]));
        Assert.All(consistency.Rows.Where(x => x[2] == "layer4.1.relu_1" && x[3] == "avgpool"),
            x => { Assert.Equal("false", x[consistency.ColumnIndex("same_shape")]); Assert.Equal("true", x[consistency.ColumnIndex("same_channels")]); });
        foreach (var x in consistency.Rows.Where(x => x[consistency.ColumnIndex("spearman_r")] != ""))
            Assert.InRange(double.Parse(x[consistency.ColumnIndex("spearman_r")], CultureInfo.InvariantCulture), -1.0, 1.0);

        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json"))).RootElement;
        var outputs = manifest.GetProperty("outputs").EnumerateArray().Select(o => o.GetString()).ToList();
        Assert.Contains("tables/category_selectivity.csv", outputs);
        Assert.Contains("figures/category_selectivity_csi_tiny.png", outputs);
        var analysis = manifest.GetProperty("analyses").EnumerateArray().Single();
        Assert.Equal("category-selectivity", analysis.GetProperty("kind").GetString());
        Assert.Contains("family: the tested (non-constant) units of one layer, separately per category",
            analysis.GetProperty("statistics").GetProperty("correction").GetString());
        Assert.Contains("tables/category_selectivity_consistency.csv", analysis.GetProperty("outputs").EnumerateArray().Select(o => o.GetString()));
        Assert.Contains(analysis.GetProperty("references").EnumerateArray(), x => x.GetString()!.Contains("doi:10.1523/JNEUROSCI.17-11-04302.1997"));
    }

    [Fact]
    public void Run_CategoryWithOneImage_StopsNamingTheCategoryAndTheImage()
    {
        var lines = File.ReadAllLines(Quickstart("stimuli.csv")).ToList();
        var words = lines.Where(l => l.Split(',')[2] == "words").ToList();
        foreach (var w in words.Skip(1)) lines.Remove(w);
        var stimuli = _dir.File("stimuli.csv");
        File.WriteAllLines(stimuli, lines.Select(l => l.Replace("stimuli/", Quickstart("stimuli") + "/")));

        var r = ReplensProcess.Run(_dir.Path, "run", WriteConfig(_dir.File("never"), stimuli: stimuli));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"'words' has 1 image ({words[0].Split(',')[0]})", r.StdErr);
        Assert.Contains(stimuli, r.StdErr);
    }

    [Fact]
    public void Run_BadSettings_AreReportedWithTheirPaths()
    {
        var r = ReplensProcess.Run(_dir.Path, "run", WriteConfig(_dir.File("never"),
            "{ \"kind\": \"category-selectivity\", \"alpha\": 0.7, \"test\": \"paired\", \"correction\": \"fdr\", \"consistencyMinUnits\": 1, \"alfa\": 1 }"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("$.analyses[0].alpha: expected a level in (0, 0.5), found 0.7.", r.StdErr);
        Assert.Contains("$.analyses[0].test: 'paired' is not valid; expected one of: welch, student.", r.StdErr);
        Assert.Contains("$.analyses[0].correction: 'fdr' is not valid; expected one of: bh, by, bonferroni, none.", r.StdErr);
        Assert.Contains("$.analyses[0].consistencyMinUnits:", r.StdErr);
        Assert.Contains("$.analyses[0].alfa: unknown key.", r.StdErr);
        Assert.False(Directory.Exists(_dir.File("never")));
    }

    public void Dispose() => _dir.Dispose();
}
