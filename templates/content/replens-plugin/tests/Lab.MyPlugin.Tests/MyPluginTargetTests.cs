using Microsoft.ML.Data;
using RepLens.Abstractions;
using Xunit;

namespace Lab.MyPlugin.Tests;

/// <summary>
/// The checks RepLens expects of every target (see docs/PLUGINS.md in RepLens): the output is one
/// fixed-size float vector per stimulus in table order, bad options throw before any compute, and the
/// same input gives the same vectors. Images come from a fake decoder, so no image files are needed.
/// </summary>
public class MyPluginTargetTests
{
    private const int Size = 8;

    /// <summary>Three 8 × 8 images: black, white, and white on the left half only.</summary>
    private static readonly Dictionary<string, RgbImage> Images = new()
    {
        ["black.png"] = Image((x, y) => 0),
        ["white.png"] = Image((x, y) => 255),
        ["left.png"] = Image((x, y) => x < Size / 2 ? (byte)255 : (byte)0),
    };

    private static RgbImage Image(Func<int, int, byte> gray)
    {
        var pixels = new byte[Size * Size * 3];
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                pixels[(y * Size + x) * 3] = pixels[(y * Size + x) * 3 + 1] = pixels[(y * Size + x) * 3 + 2] = gray(x, y);
        return new RgbImage(Size, Size, pixels);
    }

    private sealed class FakeDecoder : IImageDecoder
    {
        public RgbImage Decode(string path) =>
            Images.TryGetValue(path, out var image) ? image : throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
    }

    private static StimulusTable Stimuli(params string[] files) =>
        new(files.Select(f => new Stimulus(Path.GetFileNameWithoutExtension(f), f, null, Array.Empty<string>())));

    private static IConfiguredTarget Open(string optionsJson = "{}")
    {
        using var doc = System.Text.Json.JsonDocument.Parse(optionsJson);
        var options = new PluginOptions(doc.RootElement.Clone(), "$.targets[0].options", Environment.CurrentDirectory);
        return new MyPluginTarget(new FakeDecoder()).Open(new TargetRequest("test", options));
    }

    private static List<float[]> Read(TargetRepresentation representation)
    {
        var view = representation.Vectors!;
        var column = view.Schema[representation.VectorColumn!];
        var rows = new List<float[]>();
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            rows.Add(buffer.DenseValues().ToArray());
        }
        return rows;
    }

    [Fact]
    public void Compute_ThreeImages_GivesMeanLuminancePerCellInTableOrder()
    {
        var vectors = Read(Open("{\"grid\": 2}").Compute(Stimuli("black.png", "white.png", "left.png"), CancellationToken.None));

        Assert.Equal(3, vectors.Count);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, vectors[0]);
        Assert.Equal(new float[] { 1, 1, 1, 1 }, vectors[1], (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(new float[] { 1, 0, 1, 0 }, vectors[2], (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Compute_SameInputTwice_GivesIdenticalVectors()
    {
        var stimuli = Stimuli("black.png", "white.png", "left.png");
        var target = Open();
        Assert.Equal(Read(target.Compute(stimuli, CancellationToken.None)), Read(target.Compute(stimuli, CancellationToken.None)));
    }

    [Fact]
    public void Open_UnknownOption_ThrowsNamingIt()
    {
        var e = Assert.Throws<ConfigurationErrorException>(() => Open("{\"gird\": 2}"));
        Assert.Contains("$.targets[0].options.gird", e.Message);
    }

    [Fact]
    public void Compute_MissingImage_ThrowsNamingTheStimulus()
    {
        var e = Assert.Throws<InvalidDataException>(() => Open().Compute(Stimuli("black.png", "missing.png"), CancellationToken.None));
        Assert.Contains("'missing'", e.Message);
    }
}
