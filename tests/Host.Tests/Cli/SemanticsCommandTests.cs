using System.Text;
using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>replens semantics</c> end to end, and the <c>captions</c> target in a run.</summary>
public sealed class SemanticsCommandTests : IDisposable
{
    private readonly TempDir _dir = new("replens-semantics");

    private static string Fixture(string name) => Repo.Fixture("semantics", name);

    private static string Quickstart(string path) => Path.Combine(Repo.Root, "examples", "quickstart", path);

    [Fact]
    public void Semantics_CocoWithMiniLm_WritesEmbeddingsIdsAndTheirCosineRdm()
    {
        var output = _dir.File("out");
        var r = ReplensProcess.Run(_dir.Path, "semantics", "--coco", Fixture("coco_captions.json"), "--on-missing", "skip", "--out", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("9999", r.StdErr);
        Assert.Equal(["724", "139", "285", "632"], File.ReadAllLines(Path.Combine(output, "ids.txt")));
        var x = Npy.ReadFloat32(Path.Combine(output, "embeddings.npy"));
        Assert.Equal([4L, 384L], x.Shape);
        var rdm = Npy.ReadFloat64(Path.Combine(output, "rdm.npy"));
        Assert.Equal([4L, 4L], rdm.Shape);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(i == j ? 0 : 1 - Cosine(x.Data.AsSpan(i * 384, 384), x.Data.AsSpan(j * 384, 384)), rdm.Data[i * 4 + j], 1e-6);
        var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "semantics.json"))).RootElement;
        Assert.Contains("Universal Sentence Encoder v4", info.GetProperty("encoder").GetString());
        Assert.Contains("coco_captions.json", info.GetProperty("encoder").GetString());
        Assert.Equal("9999", info.GetProperty("skipped")[0].GetString());
        Assert.Empty(Directory.GetFileSystemEntries(output, "*.tmp-*"));
    }

    [Fact]
    public void Semantics_ClipTextTower_MatchesPyTorchAndNumPy()
    {
        var output = _dir.File("clip");
        var r = ReplensProcess.Run(_dir.Path, "semantics", "--coco", Fixture("coco_captions.json"), "--on-missing", "skip",
            "--encoder", Fixture("clip_text_tiny.onnx"), "--bpe", Fixture("clip_bpe.txt.gz"), "--out", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(File.ReadAllLines(Fixture("coco_reference/ids.txt")).Where(l => l.Length > 0), File.ReadAllLines(Path.Combine(output, "ids.txt")));
        var x = Npy.ReadFloat32(Path.Combine(output, "embeddings.npy"));
        var expected = Npy.ReadFloat32(Fixture("coco_reference/embeddings.npy"));
        double scale = expected.Data.Max(v => Math.Abs(v));
        Assert.True(x.Data.Zip(expected.Data, (a, b) => Math.Abs(a - b)).Max() <= 1e-4 * scale);
        var rdm = Npy.ReadFloat64(Path.Combine(output, "rdm.npy"));
        var numpy = Npy.ReadFloat64(Fixture("coco_reference/rdm.npy"));
        Assert.True(rdm.Data.Zip(numpy.Data, (a, b) => Math.Abs(a - b)).Max() <= 1e-6);
    }

    [Fact]
    public void Semantics_StimulusTable_OneRowPerStimulusInTableOrder()
    {
        var output = _dir.File("table");
        var r = ReplensProcess.Run(_dir.Path, "semantics", "--stimuli", Quickstart("stimuli.csv"), "--out", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        var ids = CsvTable.Read(Quickstart("stimuli.csv")).Rows.Select(row => row[0]).ToArray();
        Assert.Equal(ids, File.ReadAllLines(Path.Combine(output, "ids.txt")));
        Assert.Equal([(long)ids.Length, 384L], Npy.ReadFloat32(Path.Combine(output, "embeddings.npy")).Shape);
    }

    [Fact]
    public void Semantics_ImageWithoutCaption_StopsNamingItAndWritesNothing()
    {
        var output = _dir.File("stop");
        var r = ReplensProcess.Run(_dir.Path, "semantics", "--coco", Fixture("coco_captions.json"), "--out", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("9999", r.StdErr);
        Assert.Contains("--on-missing skip", r.StdErr);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), r.ToString());
    }

    [Theory]
    [InlineData("orphan", "image_id 42")]
    [InlineData("empty", "image 1 has an empty caption")]
    [InlineData("latin1", "not UTF-8")]
    public void Semantics_BadCocoFile_ExitsTwoNamingTheProblemAndWritesNothing(string kind, string expected)
    {
        var file = _dir.File($"{kind}.json");
        string json = kind switch
        {
            "orphan" => """{ "images": [ { "id": 1, "file_name": "a.jpg" } ], "annotations": [ { "id": 9, "image_id": 1, "caption": "a dog" }, { "id": 10, "image_id": 42, "caption": "a cat" } ] }""",
            "empty" => """{ "images": [ { "id": 1, "file_name": "a.jpg" } ], "annotations": [ { "id": 9, "image_id": 1, "caption": "" } ] }""",
            _ => """{ "images": [ { "id": 1, "file_name": "a.jpg" } ], "annotations": [ { "id": 9, "image_id": 1, "caption": "un café noir" } ] }""",
        };
        File.WriteAllBytes(file, kind == "latin1" ? Encoding.Latin1.GetBytes(json) : Encoding.UTF8.GetBytes(json));
        var output = _dir.File($"out-{kind}");
        var r = ReplensProcess.Run(_dir.Path, "semantics", "--coco", file, "--out", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.StdErr);
        Assert.Contains($"{kind}.json", r.StdErr);
        Assert.False(Directory.Exists(output), r.ToString());
    }

    [Theory]
    [InlineData(new[] { "--encoder", "use-v4" }, "--encoder")]
    [InlineData(new[] { "--encoder", "/nonexistent/model.onnx" }, "does not exist")]
    [InlineData(new[] { "--kind", "category" }, "does not embed texts")]
    [InlineData(new[] { "--on-missing", "maybe" }, "--on-missing")]
    public void Semantics_BadOption_ExitsTwoNamingTheOption(string[] extra, string expected)
    {
        string[] skip = extra.Contains("--on-missing") ? [] : ["--on-missing", "skip"];
        var r = ReplensProcess.Run(_dir.Path, ["semantics", "--coco", Fixture("coco_captions.json"), .. skip, .. extra, "--out", _dir.File("x")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.StdErr);
    }

    [Fact]
    public void Run_CaptionsTarget_ManifestAndReportNameTheEncoderAndTheSeedCaveat()
    {
        var output = _dir.File("run");
        var config = _dir.File("config.json");
        File.WriteAllText(config, $$"""
            {
              "stimuli": {{JsonSerializer.Serialize(Quickstart("stimuli.csv"))}},
              "output": {{JsonSerializer.Serialize(output)}},
              "seed": 3,
              "models": [ { "name": "tiny", "family": "resnet", "onnx": {{JsonSerializer.Serialize(Quickstart("models/tiny_cnn.onnx"))}}, "layers": [ "avgpool" ] } ],
              "targets": [ { "name": "semantics", "kind": "captions" } ],
              "analyses": [ { "kind": "target-rsa", "permutations": 100, "bootstrap": 20 } ]
            }
            """);
        var r = ReplensProcess.Run(_dir.Path, "run", config);
        Assert.True(r.ExitCode == 0, r.ToString());
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json"))).RootElement;
        var target = manifest.GetProperty("targets")[0];
        Assert.Contains("all-MiniLM-L6-v2", target.GetProperty("description").GetString());
        Assert.Contains("Universal Sentence Encoder v4", target.GetProperty("description").GetString());
        Assert.Contains("Universal Sentence Encoder v4", File.ReadAllText(Path.Combine(output, "report.html")));
        Assert.True(File.Exists(Path.Combine(output, "rdms", "targets", "semantics.npy")));
        var cache = Path.Combine(output, "cache", "plugins", "captions", "text-embeddings");
        Assert.NotEmpty(Directory.GetFiles(cache, "*.npy", SearchOption.AllDirectories));

        // The semantic RDM equals the one `replens semantics` writes for the same table.
        var cli = _dir.File("cli");
        Assert.Equal(0, ReplensProcess.Run(_dir.Path, "semantics", "--stimuli", Quickstart("stimuli.csv"), "--out", cli).ExitCode);
        var fromRun = Npy.ReadFloat64(Path.Combine(output, "rdms", "targets", "semantics.npy"));
        var fromCli = Npy.ReadFloat64(Path.Combine(cli, "rdm.npy"));
        Assert.True(fromRun.Data.Zip(fromCli.Data, (a, b) => Math.Abs(a - b)).Max() <= 1e-6);
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double d = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { d += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return d / Math.Sqrt(na * nb);
    }

    public void Dispose() => _dir.Dispose();
}
