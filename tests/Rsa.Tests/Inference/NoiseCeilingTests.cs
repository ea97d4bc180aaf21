using RepLens.Abstractions;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;
using Xunit;

namespace RepLens.Rsa.Tests.Inference;

public sealed class NoiseCeilingTests
{
    private static Rdm[] Subjects()
    {
        var stack = RsaFixtures.Array("nc_subjects");
        int s = stack.Dimension(0), m = stack.Dimension(1);
        return Enumerable.Range(0, s).Select(i => new Rdm(RsaFixtures.Ids(10), stack.Data.AsSpan(i * m, m).ToArray(), $"subj{i}")).ToArray();
    }

    [Theory]
    [InlineData(ComparisonMethod.Spearman, "spearman")]
    [InlineData(ComparisonMethod.Pearson, "pearson")]
    public void LeaveOneSubjectOut_MatchesNumPy(ComparisonMethod method, string name)
    {
        var r = NoiseCeiling.LeaveOneSubjectOut(Subjects(), method);
        var lower = RsaFixtures.Vector($"nc_{name}_lower");
        var upper = RsaFixtures.Vector($"nc_{name}_upper");
        RsaFixtures.Close(lower, r.LowerPerSubject, 1e-10);
        RsaFixtures.Close(upper, r.UpperPerSubject, 1e-10);
        Assert.Equal(lower.Average(), r.Lower, 10);
        Assert.Equal(upper.Average(), r.Upper, 10);
        Assert.True(r.Lower < r.Upper);
    }

    [Fact]
    public void LeaveOneSubjectOut_RankTransform_AveragesRanks()
    {
        var subjects = Subjects();
        var r = NoiseCeiling.LeaveOneSubjectOut(subjects, ComparisonMethod.Spearman, rankTransform: true);
        var ranks = subjects.Select(s => Ranking.Average(s.Condensed)).ToArray();
        var others = Enumerable.Range(0, 45).Select(k => ranks.Skip(1).Average(v => v[k])).ToArray();
        Assert.Equal(RdmComparer.Compare(others, ranks[0], ComparisonMethod.Spearman), r.LowerPerSubject[0], 12);
    }

    [Fact]
    public void LeaveOneSubjectOut_OneSubject_Throws()
    {
        Assert.Throws<ArgumentException>(() => NoiseCeiling.LeaveOneSubjectOut([Subjects()[0]]));
    }
}
