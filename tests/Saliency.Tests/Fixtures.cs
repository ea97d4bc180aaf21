using RepLens.Abstractions.IO;
using RepLens.Imaging;
using RepLens.Plugins.Saliency;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Saliency.Tests;

/// <summary>Paths of tests/fixtures/saliency (made by tools/fixtures/make_saliency_fixtures.py) and comparison helpers.</summary>
internal static class Fixtures
{
    public static string Path(params string[] parts) => Repo.Fixture(["saliency", .. parts]);

    /// <summary>An image file decoded by the shared decoder, as the saliency model's float planes.</summary>
    public static ColorPlanes Image(string path) => ColorPlanes.FromRgbImage(ImageDecoder.Decode(path));

    public static NpyArray<float> Npy(string name) => RepLens.Abstractions.IO.Npy.ReadFloat32(Path(name));

    /// <summary>Asserts |actual − expected| ≤ tolerance·max(|expected|) everywhere (tolerance relative to the array's scale).</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, {expected.Length} expected.");
        double scale = 0;
        foreach (var v in expected) scale = Math.Max(scale, Math.Abs(v));
        scale = Math.Max(scale, 1e-12);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(actual[i] - expected[i]);
            if (d > worst) { worst = d; at = i; }
        }
        Assert.True(worst <= tolerance * scale,
            $"{what}: largest difference {worst:G4} at index {at} (actual {(at >= 0 ? actual[at] : 0)}, expected {(at >= 0 ? expected[at] : 0)}), allowed {tolerance * scale:G4} ({tolerance:G2} × scale {scale:G4}).");
    }
}
