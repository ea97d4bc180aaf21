using RepLens.Abstractions;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Units;
using Xunit;

namespace RepLens.Rsa.Tests;

public sealed class EnumNamesTests
{
    [Fact]
    public void ConfigNames_AreTheDocumentedOnes()
    {
        Assert.Equal(["spearman", "pearson", "kendall-tau-a", "cosine"], EnumNames.ValidNames<ComparisonMethod>());
        Assert.Equal(["auto", "cpu", "cuda"], EnumNames.ValidNames<RsaDevice>());
        Assert.Equal(["float32", "float64"], EnumNames.ValidNames<RsaPrecision>());
        Assert.Equal(["welch", "student"], EnumNames.ValidNames<TTestVariance>());
        Assert.Equal(["two-sided", "greater", "less"], EnumNames.ValidNames<TTestAlternative>());
        Assert.Equal(ComparisonMethod.KendallTauA, EnumNames.Parse<ComparisonMethod>("kendall-tau-a", "--method"));
    }
}
