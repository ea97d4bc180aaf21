using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Imaging;
using RepLens.Plugins.Saliency;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>replens saliency</c> as a subprocess: maps equal to calling the saliency plugin directly, overlays, reruns, bad input.</summary>
public sealed class SaliencyCommandTests : IDisposable
{
    private readonly TempDir _dir = new("replens-saliency");

    public void Dispose() => _dir.Dispose();

    /// <summary>A folder with three images: colour 200 × 150, colour 64 × 48, and a transparent 8 × 6 RGBA PNG.</summary>
    private string Images(params (string Name, string Source)[] more)
    {
        var folder = _dir.File("images");
        Directory.CreateDirectory(folder);
        File.Copy(Repo.Fixture("saliency", "oracle_image.png"), Path.Combine(folder, "oracle.png"));
        File.Copy(Repo.Fixture("saliency", "red_disc.png"), Path.Combine(folder, "red.png"));
        File.Copy(Repo.Fixture("imaging", "decode_rgba.png"), Path.Combine(folder, "rgba.png"));
        foreach (var (name, source) in more) File.Copy(source, Path.Combine(folder, name));
        return folder;
    }

    private static IImageMapTarget Direct(IRepresentationalTarget target, string optionsJson, string baseDirectory) =>
        (IImageMapTarget)target.Open(new TargetRequest("direct", new PluginOptions(JsonDocument.Parse(optionsJson).RootElement, "options", baseDirectory)));

    private static string[] Written(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray() : [];

    [Fact]
    public void Saliency_FolderOfImages_MapsOfImageShapeEqualToThePlugin()
    {
        var images = Images();
        var output = _dir.File("out");

        var r = ReplensProcess.Run(_dir.Path, "saliency", "--images", images, "--out", output);

        Assert.True(r.ExitCode == 0, r.ToString());
        var direct = Direct(new IttiKochTarget(), "{}", _dir.Path);
        foreach (var id in new[] { "oracle", "red", "rgba" })
        {
            var image = ImageDecoder.Decode(Path.Combine(images, id + ".png"));
            var map = Npy.ReadFloat32(Path.Combine(output, id + ".npy"));
            Assert.Equal(new long[] { image.Height, image.Width }, map.Shape);
            Assert.Equal(direct.ComputeMap(image).Data, map.Data);
            var overlay = ImageDecoder.Decode(Path.Combine(output, id + ".png"));
            Assert.Equal((image.Width, image.Height), (overlay.Width, overlay.Height));
        }
        var index = CsvTable.Read(Path.Combine(output, "saliency.csv"));
        Assert.Equal(new[] { "id", "path", "width", "height", "map", "overlay" }, index.Header);
        Assert.Equal(new[] { "oracle", "red", "rgba" }, index.Rows.Select(row => row[0]));
        Assert.Equal(new[] { "200", "150" }, index.Rows[0].Skip(2).Take(2));
        Assert.DoesNotContain(Written(output), f => AtomicFile.IsTemporary(f));
    }

    [Fact]
    public void Saliency_StimulusTableAndOptionsFile_MapsWithThoseOptions()
    {
        var images = Images();
        var table = _dir.File("stimuli.csv");
        File.WriteAllText(table, "path,id\nimages/oracle.png,s-oracle\nimages/red.png,s-red\n");
        var options = _dir.File("itti.json");
        File.WriteAllText(options, """{"blurSigma": 0, "gaborWavelength": 5}""");
        var output = _dir.File("out");

        var r = ReplensProcess.Run(_dir.Path, "saliency", "--images", table, "--out", output, "--kind", "itti-koch", "--options", options);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(new[] { "s-oracle.npy", "s-oracle.png", "s-red.npy", "s-red.png", "saliency.csv", "saliency.json" }, Written(output));
        var direct = Direct(new IttiKochTarget(), """{"blurSigma": 0, "gaborWavelength": 5}""", _dir.Path);
        Assert.Equal(direct.ComputeMap(ImageDecoder.Decode(Path.Combine(images, "oracle.png"))).Data, Npy.ReadFloat32(Path.Combine(output, "s-oracle.npy")).Data);
        Assert.NotEqual(Direct(new IttiKochTarget(), "{}", _dir.Path).ComputeMap(ImageDecoder.Decode(Path.Combine(images, "red.png"))).Data,
            Npy.ReadFloat32(Path.Combine(output, "s-red.npy")).Data);
    }

    [Fact]
    public void Saliency_OnnxSaliencyKind_MapsEqualToThePlugin()
    {
        var images = Images();
        var options = _dir.File("onnx.json");
        File.WriteAllText(options, JsonSerializer.Serialize(new { model = Repo.Fixture("saliency", "onnx", "tiny_saliency.onnx") }));
        var output = _dir.File("out");

        var r = ReplensProcess.Run(_dir.Path, "saliency", "--images", images, "--out", output, "--kind", "onnx-saliency", "--options", options);

        Assert.True(r.ExitCode == 0, r.ToString());
        var direct = new OnnxSaliencyTarget().Open(new TargetRequest("d",
            new PluginOptions(JsonDocument.Parse(File.ReadAllText(options)).RootElement, "options", _dir.Path)));
        try
        {
            var image = ImageDecoder.Decode(Path.Combine(images, "oracle.png"));
            var map = Npy.ReadFloat32(Path.Combine(output, "oracle.npy"));
            Assert.Equal(new long[] { 150, 200 }, map.Shape);
            Assert.Equal(((IImageMapTarget)direct).ComputeMap(image).Data, map.Data);
        }
        finally
        {
            (direct as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void Saliency_Rerun_KeepsMapsAlreadyWrittenAndRecomputesForOtherOptions()
    {
        var images = Images();
        var output = _dir.File("out");
        Assert.Equal(0, ReplensProcess.Run(_dir.Path, "saliency", "--images", images, "--out", output).ExitCode);
        var map = Path.Combine(output, "oracle.npy");
        var stamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(map, stamp);
        File.Delete(Path.Combine(output, "red.npy"));

        var again = ReplensProcess.Run(_dir.Path, "saliency", "--images", images, "--out", output);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("1 computed, 2 already there", again.StdOut);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(map));
        Assert.True(File.Exists(Path.Combine(output, "red.npy")));

        var options = _dir.File("o.json");
        File.WriteAllText(options, """{"blurSigma": 0}""");
        var other = ReplensProcess.Run(_dir.Path, "saliency", "--images", images, "--out", output, "--options", options);
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.Contains("3 computed, 0 already there", other.StdOut);
        Assert.NotEqual(stamp, File.GetLastWriteTimeUtc(map));
    }

    [Fact]
    public void Saliency_EmptyImage_Exit2NamingTheFileAndNothingWritten()
    {
        var images = Images(("empty.png", Repo.Fixture("saliency", "empty.png")));
        var output = _dir.File("out");

        var r = ReplensProcess.Run(_dir.Path, "saliency", "--images", images, "--out", output);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(Path.Combine(images, "empty.png"), r.StdErr);
        Assert.Contains("empty", r.StdErr);
        Assert.DoesNotContain(Written(output), f => f.EndsWith(".npy", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal) || AtomicFile.IsTemporary(f));
    }

    [Fact]
    public void Saliency_EmptyImageWithSkip_MapsOfTheOthers()
    {
        var images = Images(("empty.png", Repo.Fixture("saliency", "empty.png")));
        var output = _dir.File("out");

        var r = ReplensProcess.Run(_dir.Path, "saliency", "--images", images, "--out", output, "--on-bad-image", "skip");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("1 skipped", r.StdOut);
        Assert.Contains("empty", r.StdErr);
        Assert.Equal(new[] { "oracle.npy", "oracle.png", "red.npy", "red.png", "rgba.npy", "rgba.png", "saliency.csv", "saliency.json" }, Written(output));
    }

    [Fact]
    public void Saliency_UnknownKind_Exit2NamingIt()
    {
        var r = ReplensProcess.Run(_dir.Path, "saliency", "--images", Images(), "--out", _dir.File("out"), "--kind", "itti-kosh");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("'itti-kosh'", r.StdErr);
        Assert.Contains("itti-koch", r.StdErr);
        Assert.Empty(Written(_dir.File("out")));
    }

    [Fact]
    public void Saliency_KindWithoutMaps_Exit2NamingIt()
    {
        var options = _dir.File("maps.json");
        File.WriteAllText(options, JsonSerializer.Serialize(new { folder = Repo.Fixture("saliency", "maps") }));

        var r = ReplensProcess.Run(_dir.Path, "saliency", "--images", Images(), "--out", _dir.File("out"), "--kind", "saliency-maps", "--options", options);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("'saliency-maps'", r.StdErr);
        Assert.Contains("no per-image maps", r.StdErr);
        Assert.Empty(Written(_dir.File("out")));
    }

    [Fact]
    public void Saliency_BadOptions_Exit2NamingKindAndOption()
    {
        var options = _dir.File("bad.json");
        File.WriteAllText(options, """{"gaborSize": 8}""");

        var r = ReplensProcess.Run(_dir.Path, "saliency", "--images", Images(), "--out", _dir.File("out"), "--options", options);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("'itti-koch'", r.StdErr);
        Assert.Contains("gaborSize", r.StdErr);
    }

    [Fact]
    public void Saliency_OutputFolderIsTheImageFolder_Exit2BeforeOverwritingImages()
    {
        var images = Images();
        var before = File.ReadAllBytes(Path.Combine(images, "red.png"));

        var r = ReplensProcess.Run(_dir.Path, "saliency", "--images", images, "--out", images);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("overwrite", r.StdErr);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(images, "red.png")));
    }
}
