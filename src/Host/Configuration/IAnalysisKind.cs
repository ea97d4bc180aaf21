using RepLens.Host.Run;

namespace RepLens.Host.Configuration;

/// <summary>
/// A kind of analysis the host runs (<c>"kind": "target-rsa"</c>, …): it validates its own settings in
/// the config and, later, runs.
/// </summary>
internal interface IAnalysisKind
{
    /// <summary>The <c>kind</c> value in the config.</summary>
    string Kind { get; }

    /// <summary>One line for <c>--help</c> and reports: the question the analysis answers.</summary>
    string Question { get; }

    /// <summary>The papers behind the analysis's methods (full references with DOIs), for the report.</summary>
    IReadOnlyList<string> References { get; }

    /// <summary>Reads and validates the settings of one analysis entry; errors go to the reader's error list.</summary>
    object ParseSettings(JsonObjectReader reader, ConfigContext context);

    /// <summary>Runs the analysis: tables, figures and manifest entries go to the run folder through <paramref name="context"/>.</summary>
    void Run(RunContext context, object settings);

    /// <summary>
    /// The layer RDMs the analysis will ask for, as (model, metric) pairs, so that the shards of a sharded
    /// run compute them next to the activations. None by default: the merge computes whatever is missing.
    /// </summary>
    IEnumerable<(string Model, RepLens.Abstractions.DistanceMetric Metric)> LayerRdms(object settings) => [];
}
