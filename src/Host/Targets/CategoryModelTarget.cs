using RepLens.Abstractions;

namespace RepLens.Host.Targets;

/// <summary>
/// The category model RDM built from the stimulus table: dissimilarity 0 for two stimuli of the same
/// category, 1 otherwise (Kriegeskorte, Mur &amp; Bandettini 2008, doi:10.3389/neuro.06.004.2008).
/// Built into the host because it needs nothing but the table.
/// </summary>
internal sealed class CategoryModelTarget : IRepresentationalTarget
{
    public const string Id = "category";

    public string Description => "category model RDM from the stimulus table: 0 for the same category, 1 otherwise";

    public DistanceMetric DefaultMetric => DistanceMetric.Euclidean;

    public IConfiguredTarget Open(TargetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.ThrowIfUnknown();
        return new Configured(request.Name);
    }

    private sealed class Configured(string name) : IConfiguredTarget
    {
        public string Name => name;

        public string Fingerprint => "category-model-v1";

        public TargetRepresentation Compute(StimulusTable stimuli, CancellationToken cancellationToken)
        {
            var missing = stimuli.Where(s => string.IsNullOrEmpty(s.Category)).Select(s => s.Id).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException(
                    $"{stimuli.Source}: target '{name}' (category model) needs a category for every stimulus; " +
                    $"{missing.Count} have none: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", …" : "")}. Add a 'category' column.");
            int n = stimuli.Count;
            var values = new double[(long)n * (n - 1) / 2];
            long k = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                    values[k++] = string.Equals(stimuli[i].Category, stimuli[j].Category, StringComparison.Ordinal) ? 0.0 : 1.0;
            return TargetRepresentation.FromRdm(new Rdm(stimuli.Ids, values, "category"));
        }
    }
}
