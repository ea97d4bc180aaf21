using RepLens.Abstractions;
using RepLens.Rsa.Comparisons;

namespace RepLens.Rsa.Inference;

/// <summary>
/// Noise ceilings from the RDMs of several subjects: how well the true model could at best do given
/// the between-subject variability. Nili et al. (2014), A toolbox for representational similarity
/// analysis, doi:10.1371/journal.pcbi.1003553.
/// </summary>
public static class NoiseCeiling
{
    /// <summary>
    /// Leave-one-subject-out noise ceiling: lower bound = mean over subjects s of
    /// cmp(mean of the RDMs of the subjects other than s, RDM_s); upper bound = mean over s of
    /// cmp(mean of all RDMs, RDM_s). Means are taken pair by pair; a pair that is NaN in any
    /// subject is NaN in the mean and so left out of the comparisons with it.
    /// </summary>
    /// <param name="subjects">At least 2 RDMs over the same stimuli (reordered to the first one's ids).</param>
    /// <param name="method">The comparison; Spearman by default.</param>
    /// <param name="rankTransform">
    /// Rank-transform each subject's RDM before averaging (rsatoolbox does so for rank correlations);
    /// default false: the plain mean.
    /// </param>
    /// <exception cref="ArgumentException">Fewer than 2 subjects, or RDMs over different stimuli.</exception>
    public static NoiseCeilingResult LeaveOneSubjectOut(IReadOnlyList<Rdm> subjects, ComparisonMethod method = ComparisonMethod.Spearman,
        bool rankTransform = false)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        int s = subjects.Count;
        if (s < 2) throw new ArgumentException($"A leave-one-subject-out noise ceiling needs at least 2 subjects; got {s}.", nameof(subjects));
        var vectors = new double[s][];
        for (int i = 0; i < s; i++)
        {
            var v = RdmComparer.Align(subjects[0], subjects[i]).CondensedArray;
            vectors[i] = rankTransform ? RankIgnoringNaN(v) : v;
        }
        int n = vectors[0].Length;
        var mean = MeanOf(vectors, n, skip: -1);
        var lower = new double[s];
        var upper = new double[s];
        for (int i = 0; i < s; i++)
        {
            lower[i] = RdmComparer.Compare(MeanOf(vectors, n, skip: i), vectors[i], method);
            upper[i] = RdmComparer.Compare(mean, vectors[i], method);
        }
        return new NoiseCeilingResult(lower.Average(), upper.Average(), lower, upper, method);
    }

    private static double[] MeanOf(double[][] vectors, int n, int skip)
    {
        var mean = new double[n];
        int count = 0;
        for (int j = 0; j < vectors.Length; j++)
        {
            if (j == skip) continue;
            var v = vectors[j];
            for (int k = 0; k < n; k++) mean[k] += v[k];
            count++;
        }
        for (int k = 0; k < n; k++) mean[k] /= count;
        return mean;
    }

    private static double[] RankIgnoringNaN(double[] v)
    {
        var finite = v.Where(x => !double.IsNaN(x)).ToArray();
        var ranks = Ranking.Average(finite);
        var result = new double[v.Length];
        for (int k = 0, f = 0; k < v.Length; k++) result[k] = double.IsNaN(v[k]) ? double.NaN : ranks[f++];
        return result;
    }
}
