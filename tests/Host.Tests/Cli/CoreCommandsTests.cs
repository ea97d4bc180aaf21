using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>replens rdm</c>, <c>compare</c> and <c>noise-ceiling</c> against SciPy values (tests/fixtures/rsa).</summary>
public sealed class CoreCommandsTests : IDisposable
{
    private readonly TempDir _dir = new("replens-cli");

    private static string Fixture(string name) => Repo.Fixture("rsa", name + ".npy");

    [Theory]
    [InlineData("cosine")]
    [InlineData("correlation")]
    [InlineData("euclidean")]
    [InlineData("sqeuclidean")]
    public void Rdm_FixtureMatrix_EqualsScipyPdist(string metric)
    {
        var output = _dir.File($"{metric}.npy");

        var r = ReplensProcess.Run(_dir.Path, "rdm", Fixture("rdm_x"), "--metric", metric, "--dtype", "float64", "--out", output);

        Assert.True(r.ExitCode == 0, r.ToString());
        var square = Npy.ReadFloat64(output);
        Assert.Equal(new long[] { 12, 12 }, square.Shape);
        var expected = Npy.ReadFloat64(Fixture($"rdm_x_{metric}")).Data;
        long k = 0;
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(0.0, square.Data[i * 12 + i]);
            for (int j = i + 1; j < 12; j++)
            {
                Assert.Equal(expected[k], square.Data[i * 12 + j], 1e-10);
                Assert.Equal(expected[k++], square.Data[j * 12 + i], 1e-10);
            }
        }
    }

    [Fact]
    public void Compare_Json_GivesScipyRAndSeededPAndCi()
    {
        string[] args = { "compare", Fixture("cmp_a"), Fixture("cmp_b"), "--method", "spearman", "--permutations", "2000", "--bootstrap", "300", "--seed", "7", "--json" };

        var first = ReplensProcess.Run(_dir.Path, args);
        var second = ReplensProcess.Run(_dir.Path, args);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(first.StdOut, second.StdOut);
        using var json = JsonDocument.Parse(first.StdOut);
        var root = json.RootElement;
        Assert.Equal(Npy.ReadFloat64(Fixture("cmp_expected")).Data[0], root.GetProperty("r").GetDouble(), 1e-10);
        var p = root.GetProperty("p").GetDouble();
        Assert.InRange(p, 1.0 / 2001, 1.0);
        var ci = root.GetProperty("ci");
        Assert.True(ci[0].GetDouble() <= root.GetProperty("r").GetDouble() + 0.2 && ci[0].GetDouble() < ci[1].GetDouble());
    }

    [Fact]
    public void Compare_KendallAndCosine_EqualReferenceValues()
    {
        var expected = Npy.ReadFloat64(Fixture("cmp_expected")).Data;
        foreach (var (method, index) in new[] { ("pearson", 1), ("kendall-tau-a", 2), ("cosine", 3) })
        {
            var r = ReplensProcess.Run(_dir.Path, "compare", Fixture("cmp_a"), Fixture("cmp_b"), "--method", method, "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            using var json = JsonDocument.Parse(r.StdOut);
            Assert.Equal(expected[index], json.RootElement.GetProperty("r").GetDouble(), 1e-10);
        }
    }

    [Fact]
    public void NoiseCeiling_Stack_EqualsNumpyFormulas()
    {
        var r = ReplensProcess.Run(_dir.Path, "noise-ceiling", Fixture("nc_subjects"), "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var json = JsonDocument.Parse(r.StdOut);
        Assert.Equal(Npy.ReadFloat64(Fixture("nc_spearman_lower")).Data.Average(), json.RootElement.GetProperty("lower").GetDouble(), 1e-10);
        Assert.Equal(Npy.ReadFloat64(Fixture("nc_spearman_upper")).Data.Average(), json.RootElement.GetProperty("upper").GetDouble(), 1e-10);
    }

    [Fact]
    public void Rdm_UnknownMetric_ExitsWithTheValidNames()
    {
        var r = ReplensProcess.Run(_dir.Path, "rdm", Fixture("rdm_x"), "--metric", "manhattan", "--out", _dir.File("o.npy"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--metric: 'manhattan' is not a valid value; expected one of: cosine, correlation, euclidean, sqeuclidean.", r.StdErr);
        Assert.False(File.Exists(_dir.File("o.npy")));
    }

    [Fact]
    public void Rdm_NotAnNpyFile_ExitsNamingTheFile()
    {
        var bad = _dir.File("bad.npy");
        File.WriteAllText(bad, "this is not numpy");

        var r = ReplensProcess.Run(_dir.Path, "rdm", bad, "--out", _dir.File("o.npy"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(bad, r.StdErr);
        Assert.False(File.Exists(_dir.File("o.npy")));
    }

    [Fact]
    public void Compare_DifferentStimulusCounts_IsRefused()
    {
        var r = ReplensProcess.Run(_dir.Path, "compare", Fixture("cmp_a"), Fixture("rdm_x_cosine"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("has 10 stimuli", r.StdErr);
        Assert.Contains("has 12", r.StdErr);
    }

    public void Dispose() => _dir.Dispose();
}
