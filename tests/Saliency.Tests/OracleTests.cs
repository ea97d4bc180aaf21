using RepLens.Plugins.Saliency;
using Xunit;

namespace RepLens.Saliency.Tests;

/// <summary>
/// The C# model against an independent float64 NumPy reference (tools/fixtures/make_saliency_fixtures.py)
/// on a 200 × 150 image whose pyramid has odd level sizes.
/// </summary>
public class OracleTests
{
    private static readonly ColorPlanes Image = Fixtures.Image(Fixtures.Path("oracle_image.png"));

    private static Plane[] IntensityPyramid()
    {
        int n = Image.Width * Image.Height;
        var i = new float[n];
        IttiKochSaliency.ColorChannels(Image, i, new float[n], new float[n], 0.1f);
        var p = new Plane[9];
        p[0] = new Plane(Image.Width, Image.Height, i);
        for (int k = 1; k < 9; k++) p[k] = PlaneOps.Reduce(p[k - 1]);
        return p;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Reduce_IntensityPyramidLevel_MatchesNumPy(int level)
    {
        var expected = Fixtures.Npy($"oracle_intensity_level{level}.npy");
        var actual = IntensityPyramid()[level];
        Assert.Equal(expected.Dimension(0), actual.Height);
        Assert.Equal(expected.Dimension(1), actual.Width);
        Fixtures.AssertClose(expected.Data, actual.Data, 1e-6, $"intensity level {level}");
    }

    [Fact]
    public void GaborKernels_DefaultOrientations_MatchNumPy()
    {
        var expected = Fixtures.Npy("oracle_gabor_kernels.npy");
        var o = IttiKochOptions.Default;
        for (int k = 0; k < 4; k++)
        {
            var kernel = GaborBank.Create(o.GaborOrientations[k], o.GaborWavelength, o.GaborSigma, o.GaborSize);
            Fixtures.AssertClose(expected.Data.AsSpan(k * 81, 81), kernel, 1e-6, $"Gabor kernel {o.GaborOrientations[k]}°");
        }
    }

    [Fact]
    public void GaborFilter_Level2WithBorders_MatchesNumPy()
    {
        var expected = Fixtures.Npy("oracle_gabor_level2.npy");
        var o = IttiKochOptions.Default;
        var level2 = IntensityPyramid()[2];
        var outputs = new GaborBank(o.GaborOrientations, o.GaborWavelength, o.GaborSigma, o.GaborSize).Filter(level2);
        int n = level2.Width * level2.Height;
        for (int k = 0; k < 4; k++)
            Fixtures.AssertClose(expected.Data.AsSpan(k * n, n), outputs[k].Data, 1e-5, $"O(2, {o.GaborOrientations[k]}°)");
    }

    [Fact]
    public void ComputeMaps_OracleImage_MatchesNumPy()
    {
        var maps = new IttiKochSaliency().ComputeMaps(Image);
        Assert.Equal(4, maps.Level);
        var shape = Fixtures.Npy("oracle_saliency.npy");
        Assert.Equal((shape.Dimension(1), shape.Dimension(0)), (maps.Saliency.Width, maps.Saliency.Height));
        Fixtures.AssertClose(Fixtures.Npy("oracle_intensity.npy").Data, maps.Intensity.Data, 1e-5, "N(Ī)");
        Fixtures.AssertClose(Fixtures.Npy("oracle_color.npy").Data, maps.Color.Data, 1e-5, "N(C̄)");
        Fixtures.AssertClose(Fixtures.Npy("oracle_orientation.npy").Data, maps.Orientation.Data, 1e-5, "N(Ō)");
        Fixtures.AssertClose(Fixtures.Npy("oracle_red_green.npy").Data, maps.RedGreen.Data, 1e-5, "⊕N(RG)");
        Fixtures.AssertClose(Fixtures.Npy("oracle_blue_yellow.npy").Data, maps.BlueYellow.Data, 1e-5, "⊕N(BY)");
        var per = Fixtures.Npy("oracle_orientations.npy");
        int n = maps.Saliency.Data.Length;
        for (int k = 0; k < 4; k++)
            Fixtures.AssertClose(per.Data.AsSpan(k * n, n), maps.Orientations[k].Data, 1e-5, $"N(⊕N(O(θ = {k * 45}°)))");
        Fixtures.AssertClose(shape.Data, maps.Saliency.Data, 1e-5, "S");
    }

    [Fact]
    public void Compute_OracleImage_OutputMapsMatchNumPy()
    {
        var model = new IttiKochSaliency();
        var full = model.Compute(Image);
        Assert.Equal((200, 150), (full.Width, full.Height));
        Fixtures.AssertClose(Fixtures.Npy("oracle_output.npy").Data, full.Data, 1e-5, "map at image size");
        var small = model.Compute(Image, 64, 48);
        Fixtures.AssertClose(Fixtures.Npy("oracle_output_64x48.npy").Data, small.Data, 1e-5, "map at 64 × 48");
    }

    [Fact]
    public void Reduce_VectorisedEvenWidthPass_BitwiseEqualToIndexedPass()
    {
        var rng = new Random(3);
        foreach (var (w, h) in new[] { (2, 3), (18, 7), (640, 9), (34, 34) })
        {
            var data = new float[w * h];
            for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble() - 0.3f;
            var fast = PlaneOps.Reduce(new Plane(w, h, data));
            // The switch is process-wide; tests running meanwhile are unaffected because both passes agree bitwise.
            Plane slow;
            PlaneOps.ForceIndexedHorizontalPass = true;
            try { slow = PlaneOps.Reduce(new Plane(w, h, data)); }
            finally { PlaneOps.ForceIndexedHorizontalPass = false; }
            Assert.Equal(
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(slow.Data.AsSpan()).ToArray(),
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(fast.Data.AsSpan()).ToArray());
        }
    }
}
