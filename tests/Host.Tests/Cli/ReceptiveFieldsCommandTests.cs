using System.Globalization;
using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>replens receptive-fields</c>, end to end on the tiny fixture networks (tests/fixtures/receptive_fields).</summary>
public sealed class ReceptiveFieldsCommandTests : IDisposable
{
    private readonly TempDir _dir = new("replens-rf-cli");

    private static string Model(string name) => Repo.Fixture("receptive_fields", "models", name);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReceptiveFields_Vgg_WritesPatternsTablesValidationFiguresAndNotes()
    {
        var output = _dir.File("vgg");

        var r = ReplensProcess.Run(_dir.Path, "receptive-fields", "--onnx", Model("vgg_tiny.onnx"), "--layer", "features.4", "--units", "0,3,7",
            "--position", "6,6", "--constants", "1,2.5", "--out", output);

        Assert.True(r.ExitCode == 0, r.ToString());
        var patterns = Npy.ReadFloat32(Path.Combine(output, "patterns.npy"));
        Assert.Equal(new long[] { 3, 2, 3, 24, 24 }, patterns.Shape);
        // Units 0 and 3 at (6, 6) are the fixture's first two units: PyTorch's patterns, biases left out.
        var reference = Npy.ReadFloat32(Repo.Fixture("receptive_fields", "vgg_tiny__features.4.patterns.npy"));
        int n = 2 * 2 * 3 * 24 * 24;
        double peak = reference.Data.Take(n).Max(v => Math.Abs((double)v));
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(reference.Data[i] - patterns.Data[i]) <= 1e-4 * peak, $"value {i}");

        var units = CsvTable.Read(Path.Combine(output, "units.csv"));
        Assert.Equal(new[] { "row", "layer", "channel", "y", "x" }, units.Header);
        Assert.Equal(new[] { "2", "features.4", "7", "6", "6" }, units.Rows[2]);
        var constants = CsvTable.Read(Path.Combine(output, "constants.csv"));
        Assert.Equal(new[] { "1", "2.5" }, constants.Rows.Select(x => x[1]));
        var validation = CsvTable.Read(Path.Combine(output, "validation.csv"));
        Assert.Equal(new[] { "unit", "constant", "channel", "response", "clamped_rank", "rank", "clamped" }, validation.Header);
        Assert.Equal(3 * 2 * 8, validation.Rows.Count);
        foreach (var group in validation.Rows.GroupBy(x => (x[0], x[1])))
        {
            var clamped = Assert.Single(group, x => x[6] == "true");
            Assert.Equal(units.Rows[int.Parse(group.Key.Item1, CultureInfo.InvariantCulture)][2], clamped[2]);
            Assert.All(group, x => Assert.Equal(clamped[5], x[4]));
        }

        foreach (var f in new[] { "receptive_fields_vgg_tiny_features.4_c1_fixed.png", "receptive_fields_vgg_tiny_features.4_c2.5_tile.png",
                     "receptive_fields_vgg_tiny_features.4_sweep_fixed.png", "receptive_fields_vgg_tiny_features.4_sweep_tile.png",
                     "receptive_fields_validation_vgg_tiny_features.4_u0.png", "receptive_fields_validation_vgg_tiny_features.4_u2.svg" })
            Assert.True(File.Exists(Path.Combine(output, "figures", f)), $"missing {f}\n{r}");
        var notes = File.ReadAllText(Path.Combine(output, "notes.txt"));
        Assert.Contains("Biases left out: every rule is positively homogeneous", notes);
        Assert.Contains("figures: *_fixed.png: one fixed display range for the whole sweep", notes);
        Assert.Contains("figures: *_tile.png: per-tile scaling", notes);
        Assert.Contains("clamped channel first: vgg_tiny features.4", notes);
    }

    [Fact]
    public void ReceptiveFields_Compare_WritesBothNetworksAndTheirSimilarity()
    {
        var output = _dir.File("compare");

        var r = ReplensProcess.Run(_dir.Path, "receptive-fields", "--onnx", Model("vgg_tiny.onnx"), "--compare", Model("vgg_tiny_tuned.onnx"),
            "--layer", "features.4,features.14", "--units", "all", "--constants", "1,2", "--no-validation", "--out", output);

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var name in new[] { "vgg_tiny", "vgg_tiny_tuned" })
            Assert.Equal(new long[] { 8 + 16, 2, 3, 24, 24 }, Npy.ReadHeader(Path.Combine(output, name, "patterns.npy")).Shape);
        var similarity = CsvTable.Read(Path.Combine(output, "similarity.csv"));
        Assert.Equal(new[] { "layer", "depth", "unit", "channel", "y", "x", "constant", "cosine" }, similarity.Header);
        Assert.Equal((8 + 16) * 2, similarity.Rows.Count);
        double Cos(string[] row) => row[7] == "" ? double.NaN : double.Parse(row[7], CultureInfo.InvariantCulture);
        // features.4 comes before the changed convolutions: the same patterns; features.14 after them.
        Assert.All(similarity.Rows.Where(x => x[0] == "features.4" && x[7] != ""), x => Assert.InRange(Cos(x), 1 - 1e-5, 1 + 1e-5));
        Assert.Contains(similarity.Rows, x => x[0] == "features.14" && Cos(x) < 0.99);
        foreach (var f in new[] { "receptive_fields_vgg_tiny_vs_vgg_tiny_tuned_features.14_c1_fixed.png", "receptive_fields_vgg_tiny_vs_vgg_tiny_tuned_features.14_sweep_tile.png",
                     "receptive_fields_similarity_vgg_tiny_vs_vgg_tiny_tuned.png" })
            Assert.True(File.Exists(Path.Combine(output, "figures", f)), $"missing {f}\n{r}");
    }

    [Fact]
    public void ReceptiveFields_VisionTransformer_FailsNamingTheOperatorAndNode()
    {
        var r = ReplensProcess.Run(_dir.Path, "receptive-fields", "--onnx", Repo.Fixture("onnx", "models", "vit_narrow.onnx"), "--family", "vit",
            "--layer", "encoder.layers.encoder_layer_0.mlp.3", "--units", "0", "--out", _dir.File("vit"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--layer", r.StdErr);
        Assert.Contains("MatMul (node '/encoder/layers/encoder_layer_0/", r.StdErr);
        Assert.Contains("applies to convolutional networks", r.StdErr);
    }

    [Fact]
    public void ReceptiveFields_ChannelOutsideTheLayer_FailsNamingTheLayer()
    {
        var r = ReplensProcess.Run(_dir.Path, "receptive-fields", "--onnx", Model("vgg_tiny.onnx"), "--layer", "features.4", "--units", "2,8",
            "--out", _dir.File("bad"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--units", r.StdErr);
        Assert.Contains("layer 'features.4' has 8 channels (0–7); there is no channel 8", r.StdErr);
    }
}
