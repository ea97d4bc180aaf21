using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace Good;

/// <summary>A well-behaved plugin: one target that gives every stimulus a vector from its id.</summary>
public sealed class GoodPlugin : IRepLensPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddRepresentationalTarget<IdLengthTarget>("good-target");
}

public sealed class IdLengthTarget : IRepresentationalTarget
{
    public string Description => "test target: the length of each stimulus id";

    public DistanceMetric DefaultMetric => DistanceMetric.Euclidean;

    public IConfiguredTarget Open(TargetRequest request)
    {
        request.Options.ThrowIfUnknown();
        return new Configured(request.Name);
    }

    private sealed class Configured(string name) : IConfiguredTarget
    {
        public string Name => name;

        public string Fingerprint => "id-length-v1";

        public TargetRepresentation Compute(StimulusTable stimuli, CancellationToken cancellationToken)
        {
            int n = stimuli.Count;
            var values = new double[n * (n - 1) / 2];
            int k = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                    values[k++] = Math.Abs(stimuli[i].Id.Length - stimuli[j].Id.Length);
            return TargetRepresentation.FromRdm(new Rdm(stimuli.Ids, values, "id-length"));
        }
    }
}
