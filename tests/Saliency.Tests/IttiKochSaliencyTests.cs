using System.Runtime.InteropServices;
using RepLens.Abstractions;
using RepLens.Plugins.Saliency;
using Xunit;

namespace RepLens.Saliency.Tests;

public class IttiKochSaliencyTests
{
    private static readonly IttiKochSaliency Model = new();

    public static TheoryData<string, int, int> ColourPopOuts => new()
    {
        { "red among green", 2, 3 },
        { "green among red", 0, 0 },
        { "blue among yellow", 3, 4 },
        { "yellow among blue", 1, 1 },
    };

    private static (float, float, float) Colour(string name) => name switch
    {
        "red" => (0.85f, 0.05f, 0.05f),
        "green" => (0.05f, 0.65f, 0.05f),
        "blue" => (0.1f, 0.1f, 0.9f),
        "yellow" => (0.8f, 0.8f, 0.05f),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(ColourPopOuts))]
    public void Compute_OddColouredDisc_MaximumInsideOddDisc(string scene, int oddRow, int oddColumn)
    {
        var words = scene.Split(" among ");
        var (img, cx, cy, radius) = SyntheticImages.OddDisc(320, 256, 4, 5, oddRow, oddColumn,
            (0.5f, 0.5f, 0.5f), Colour(words[1]), Colour(words[0]));
        var map = Model.Compute(img);
        var (x, y) = map.ArgMax();
        Assert.True(Math.Pow(x - cx, 2) + Math.Pow(y - cy, 2) <= radius * radius,
            $"{scene}: the map peaks at ({x}, {y}), outside the odd disc at ({cx}, {cy}), radius {radius}.");
    }

    [Theory]
    [InlineData(45, 135)]   // the public Python implementation (135° channel = 45° maps) fails this one
    [InlineData(135, 45)]
    public void Compute_OddObliqueBarInTexture_MaximumOnOddBarAtEveryOtherPosition(double distractor, double odd)
    {
        var misses = new List<string>();
        for (int row = 0; row < 6; row++)
        {
            for (int column = row % 2; column < 6; column += 2)
            {
                var (img, cx, cy, length) = SyntheticImages.OddBar(384, 384, 6, 6, row, column, distractor, odd);
                var (x, y) = Model.Compute(img).ArgMax();
                if (Math.Pow(x - cx, 2) + Math.Pow(y - cy, 2) > Math.Pow(length / 2, 2))
                    misses.Add($"odd bar at ({cx}, {cy}), peak at ({x}, {y})");
            }
        }
        Assert.True(misses.Count == 0, $"{odd}° among {distractor}°: {string.Join("; ", misses)}");
    }

    [Theory]
    [InlineData(45, 135)]
    [InlineData(135, 45)]
    [InlineData(0, 90)]
    [InlineData(90, 0)]
    public void ComputeMaps_OddBarInTexture_ItsOrientationMapPeaksOnIt(double distractor, double odd)
    {
        int channel = Array.IndexOf(IttiKochOptions.Default.GaborOrientations.ToArray(), odd);
        var misses = new List<string>();
        for (int row = 0; row < 6; row++)
        {
            for (int column = row % 3; column < 6; column += 3)
            {
                var (img, cx, cy, length) = SyntheticImages.OddBar(384, 384, 6, 6, row, column, distractor, odd);
                var map = Model.ComputeMaps(img).Orientations[channel].Resize(384, 384);
                var (x, y) = map.ArgMax();
                if (Math.Pow(x - cx, 2) + Math.Pow(y - cy, 2) > Math.Pow(length / 2, 2))
                    misses.Add($"odd bar at ({cx}, {cy}), peak at ({x}, {y})");
            }
        }
        Assert.True(misses.Count == 0, $"{odd}° channel, {odd}° among {distractor}°: {string.Join("; ", misses)}");
    }

    [Fact]
    public void Compute_135ChannelReplacedBy45_LosesThe135PopOut()
    {
        // What the 135° pop-out test guards against: the public Python implementation fills its 135°
        // channel with the 45° maps. Simulated here with orientations 0, 45, 90, 45.
        var slipped = new IttiKochSaliency(IttiKochOptions.Default with { GaborOrientations = [0, 45, 90, 45] });
        var (img, cx, cy, length) = SyntheticImages.OddBar(384, 384, 6, 6, 1, 4, 45, 135);
        var (x, y) = slipped.Compute(img).ArgMax();
        Assert.False(Math.Pow(x - cx, 2) + Math.Pow(y - cy, 2) <= Math.Pow(length / 2, 2),
            "With the 45° maps in place of the 135° ones the odd 135° bar should not be the most salient.");
    }

    [Theory]
    [InlineData(0f, 0f, 0f, 224, 224)]
    [InlineData(1f, 1f, 1f, 97, 61)]
    [InlineData(0.5f, 0.5f, 0.5f, 640, 480)]
    [InlineData(1f, 0f, 0f, 33, 200)]
    [InlineData(0.2f, 0.7f, 0.3f, 1, 1)]
    public void Compute_UniformImage_AllZeroMap(float r, float g, float b, int width, int height)
    {
        var img = SyntheticImages.Uniform(width, height, r, g, b);
        var map = Model.Compute(img);
        Assert.Equal((width, height), (map.Width, map.Height));
        Assert.All(map.Data, v => Assert.Equal(0f, v));
        var maps = Model.ComputeMaps(img);
        foreach (var m in new[] { maps.Intensity, maps.Color, maps.Orientation, maps.Saliency })
            Assert.All(m.Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Compute_SameImageTwiceAndOnManyThreads_IdenticalBytes()
    {
        var img = Fixtures.Image(Fixtures.Path("oracle_image.png"));
        var first = MemoryMarshal.AsBytes(Model.Compute(img, 224, 224).Data.AsSpan()).ToArray();
        Assert.Equal(first, MemoryMarshal.AsBytes(new IttiKochSaliency().Compute(img, 224, 224).Data.AsSpan()).ToArray());
        var results = new byte[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => results[i] = MemoryMarshal.AsBytes(Model.Compute(img, 224, 224).Data.AsSpan()).ToArray());
        Assert.All(results, r => Assert.Equal(first, r));
    }

    [Fact]
    public void Compute_MirroredImage_MirroredMap()
    {
        // The four borders are treated alike: mirroring the image mirrors the map (up to float rounding).
        var img = Fixtures.Image(Fixtures.Path("oracle_image.png"));
        int w = img.Width, h = img.Height;
        var flipped = new ColorPlanes(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int s = y * w + x, d = (h - 1 - y) * w + (w - 1 - x);
                flipped.Red[d] = img.Red[s];
                flipped.Green[d] = img.Green[s];
                flipped.Blue[d] = img.Blue[s];
            }
        var a = Model.Compute(img).Data;
        var b = Model.Compute(flipped).Data;
        var back = new float[a.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) back[y * w + x] = b[(h - 1 - y) * w + (w - 1 - x)];
        Fixtures.AssertClose(a, back, 1e-4, "map of the image rotated by 180°, rotated back");
    }

    [Fact]
    public void Compute_RequestedSize_MapHasThatSize()
    {
        var img = SyntheticImages.OddDisc(300, 200, 3, 3, 1, 1, (0.5f, 0.5f, 0.5f), (0f, 0.6f, 0f), (0.8f, 0f, 0f)).Image;
        var full = Model.Compute(img);
        Assert.Equal((300, 200), (full.Width, full.Height));
        var small = Model.Compute(img, 224, 224);
        Assert.Equal((224, 224, 224 * 224), (small.Width, small.Height, small.Data.Length));
        Assert.Equal(1f, small.Max());
        Assert.Equal(1f, full.Max());
    }

    [Fact]
    public void Compute_NonFiniteValue_ThrowsNamingThePixel()
    {
        var img = SyntheticImages.Uniform(10, 10, 0.5f, 0.5f, 0.5f);
        img.Green[23] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => Model.Compute(img));
        Assert.Contains("green value at x = 3, y = 2", e.Message);
    }

    [Fact]
    public void Compute_BadOutputSize_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Model.Compute(new ColorPlanes(4, 4), 0, 10));

    [Fact]
    public void Compute_PureRedAndPureBlueDiscs_ReadAsRgbNotBgr()
    {
        // A pure red disc excites only R − G, a pure blue one only B − Y. Reading RGB files as BGR (the
        // public Python implementation splits its input as B, G, R) would swap the two.
        var red = Fixtures.Image(Fixtures.Path("red_disc.png"));
        var blue = Fixtures.Image(Fixtures.Path("blue_disc.png"));
        int centre = 20 * red.Width + 40;
        Assert.Equal((1f, 0f, 0f), (red.Red[centre], red.Green[centre], red.Blue[centre]));
        Assert.Equal((0f, 0f, 1f), (blue.Red[centre], blue.Green[centre], blue.Blue[centre]));

        var r = Model.ComputeMaps(red);
        Assert.True(r.RedGreen.Max() > 0f, "a red disc must excite the red–green channel");
        Assert.All(r.BlueYellow.Data, v => Assert.Equal(0f, v));
        var b = Model.ComputeMaps(blue);
        Assert.True(b.BlueYellow.Max() > 0f, "a blue disc must excite the blue–yellow channel");
        Assert.All(b.RedGreen.Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ComputeMaps_ConspicuityLevel_MapsAtThatLevel()
    {
        var maps = Model.ComputeMaps(new ColorPlanes(640, 480));
        Assert.Equal(4, maps.Level);
        Assert.Equal((40, 30), (maps.Saliency.Width, maps.Saliency.Height));
        Assert.Equal(4, maps.Orientations.Count);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheOption()
    {
        var e = Assert.Throws<ConfigurationErrorException>(() => new IttiKochSaliency(IttiKochOptions.Default with { GaborSize = 8 }));
        Assert.Contains("gaborSize", e.Message);
        e = Assert.Throws<ConfigurationErrorException>(() => new IttiKochSaliency(IttiKochOptions.Default with { PyramidLevels = 7 }));
        Assert.Contains("pyramidLevels", e.Message);
        Assert.Contains("deepest surround level is 8", e.Message);
        e = Assert.Throws<ConfigurationErrorException>(() => new IttiKochSaliency(IttiKochOptions.Default with { CenterLevels = [2, 5] }));
        Assert.Contains("centerLevels", e.Message);
        e = Assert.Throws<ConfigurationErrorException>(() => new IttiKochSaliency(
            IttiKochOptions.Default with { IntensityWeight = 0, ColorWeight = 0, OrientationWeight = 0 }));
        Assert.Contains("all zero", e.Message);
    }

    [Fact]
    public void Weights_ColourOnly_OrientationPopOutIgnored()
    {
        var colourOnly = new IttiKochSaliency(IttiKochOptions.Default with { IntensityWeight = 0, OrientationWeight = 0, ColorWeight = 1 });
        var (img, _, _, _) = SyntheticImages.OddBar(256, 256, 4, 4, 1, 1, 45, 135);
        Assert.All(colourOnly.Compute(img).Data, v => Assert.Equal(0f, v)); // white bars on black: no colour contrast
    }
}
