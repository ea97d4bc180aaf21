using RepLens.Rsa.Inference;
using Xunit;

namespace RepLens.Rsa.Tests.Inference;

public sealed class FalseDiscoveryTests
{
    [Fact]
    public void BenjaminiHochberg_MatchesNumPy()
    {
        var r = FalseDiscovery.BenjaminiHochberg(RsaFixtures.Vector("fdr_p"), 0.05);
        var expected = RsaFixtures.Vector("fdr_bh");
        RsaFixtures.Close(expected, r.Adjusted, 1e-14);
        Assert.Equal(expected.Select(q => q <= 0.05), r.Rejected);
    }

    [Fact]
    public void BenjaminiYekutieli_MatchesNumPy()
    {
        var r = FalseDiscovery.BenjaminiYekutieli(RsaFixtures.Vector("fdr_p"), 0.05);
        var expected = RsaFixtures.Vector("fdr_by");
        RsaFixtures.Close(expected, r.Adjusted, 1e-14);
        Assert.Equal(expected.Select(q => q <= 0.05), r.Rejected);
        Assert.True(r.RejectedCount <= FalseDiscovery.BenjaminiHochberg(RsaFixtures.Vector("fdr_p")).RejectedCount);
    }

    [Fact]
    public void Bonferroni_MultipliesByM()
    {
        var r = FalseDiscovery.Bonferroni([0.01, 0.5, 0.02], 0.05);
        Assert.Equal([0.03, 1, 0.06], r.Adjusted.Select(v => Math.Round(v, 12)));
        Assert.Equal([true, false, false], r.Rejected);
    }

    [Fact]
    public void Correction_NaN_IsLeftOut()
    {
        var r = FalseDiscovery.BenjaminiHochberg([0.01, double.NaN, 0.04]);
        Assert.True(double.IsNaN(r.Adjusted[1]));
        Assert.False(r.Rejected[1]);
        Assert.Equal(0.04, r.Adjusted[2], 14); // m = 2
        Assert.Equal(0.02, r.Adjusted[0], 14);
    }

    [Fact]
    public void Correction_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentException>(() => FalseDiscovery.BenjaminiYekutieli([0.5, 1.5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FalseDiscovery.BenjaminiYekutieli([0.5], 0));
    }
}
