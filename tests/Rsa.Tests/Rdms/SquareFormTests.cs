using RepLens.Rsa.Rdms;
using Xunit;

namespace RepLens.Rsa.Tests.Rdms;

public sealed class SquareFormTests
{
    [Fact]
    public void ToCondensed_OfToSquare_RoundTrips()
    {
        var c = RsaFixtures.Vector("rdm_x_euclidean");
        var sq = SquareForm.ToSquare(c);
        Assert.Equal(144, sq.Length);
        Assert.Equal(c, SquareForm.ToCondensed(sq, 12));
        Assert.Equal(12, SquareForm.CountOf(c.Length));
    }

    [Fact]
    public void ToCondensed_Asymmetric_ThrowsNamingEntry()
    {
        double[] sq = [0, 1, 2, 1, 0, 3, 2, 3.5, 0];
        var ex = Assert.Throws<ArgumentException>(() => SquareForm.ToCondensed(sq, 3));
        Assert.Contains("(1, 2)", ex.Message);
        double[] diag = [0, 1, 1, 0.5];
        Assert.Contains("diagonal", Assert.Throws<ArgumentException>(() => SquareForm.ToCondensed(diag, 2)).Message);
        Assert.Throws<ArgumentException>(() => SquareForm.CountOf(4));
    }

    [Fact]
    public void ToCondensed_NaNOnBothSides_IsKept()
    {
        double[] sq = [0, double.NaN, double.NaN, 0];
        Assert.True(double.IsNaN(SquareForm.ToCondensed(sq, 2)[0]));
    }
}
