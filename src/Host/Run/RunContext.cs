using Microsoft.Extensions.Logging;
using Microsoft.ML;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Configuration;
using RepLens.Host.Progress;
using RepLens.Rsa;
using RepLens.Rsa.Rdms;

namespace RepLens.Host.Run;

/// <summary>
/// What analyses work with during a run: the stimuli, models and targets, and RDMs computed on
/// demand — each from the content-addressed cache when it is there, computed and cached otherwise,
/// and written to the run folder the first time it is used.
/// </summary>
internal sealed class RunContext : IDisposable
{
    private readonly Dictionary<string, Rdm> _rdms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IBrainDataset> _brain = new(StringComparer.Ordinal);
    private readonly Func<BrainConfig, IBrainDataset>? _openBrain;
    private readonly HashSet<string> _extractedModels = new(StringComparer.Ordinal);
    private readonly IDataView _stimulusView;
    private readonly string _annotationKey;

    public RunContext(RunConfig config, StimulusTable stimuli, string stimulusSetKey, IReadOnlyList<ModelSession> models,
        IReadOnlyList<TargetSession> targets, RunOutput output, RunManifest manifest, ArtifactCache cache, MLContext ml,
        ILogger log, CancellationToken cancellation, Func<BrainConfig, IBrainDataset>? openBrain = null)
    {
        _openBrain = openBrain;
        Config = config;
        Stimuli = stimuli;
        StimulusSetKey = stimulusSetKey;
        Models = models;
        Targets = targets;
        Output = output;
        Manifest = manifest;
        Cache = cache;
        ML = ml;
        Log = log;
        Cancellation = cancellation;
        _stimulusView = Data.StimulusDataView.Create(ml, stimuli);
        _annotationKey = Run.StimulusSetKey.Annotations(stimuli);
        Progress = ProgressReporter.FromEnvironment(log);
        RdmOptions = new RdmOptions
        {
            Device = config.Device,
            Precision = config.Precision,
            MemoryBudgetBytes = config.MemoryBudgetBytes,
        };
    }

    public RunConfig Config { get; }
    public StimulusTable Stimuli { get; }
    public string StimulusSetKey { get; }
    public IReadOnlyList<ModelSession> Models { get; }
    public IReadOnlyList<TargetSession> Targets { get; }
    public RunOutput Output { get; }
    public RunManifest Manifest { get; }
    public ArtifactCache Cache { get; }
    public MLContext ML { get; }
    public ILogger Log { get; }
    public CancellationToken Cancellation { get; }
    public RdmOptions RdmOptions { get; }

    /// <summary>Progress of long steps: a live bar on a terminal, plain periodic log lines otherwise.</summary>
    public ProgressReporter Progress { get; }

    public ModelSession Model(string name) => Models.First(m => m.Name == name);

    public TargetSession Target(string name) => Targets.First(t => t.Name == name);

    /// <summary>The brain data set <paramref name="name"/> of <c>$.brain</c>, opened on first use and kept open for the run.</summary>
    public IBrainDataset Brain(string name)
    {
        if (_brain.TryGetValue(name, out var open)) return open;
        var config = Config.Brain.First(b => b.Name == name);
        if (_openBrain is null) throw new InvalidOperationException("This run cannot open brain data sets.");
        Log.LogInformation("Brain data {Name}: opening {Root} ({Loader})", name, config.Root, config.Loader);
        return _brain[name] = _openBrain(config);
    }

    public void Dispose()
    {
        foreach (var b in _brain.Values) b.Dispose();
        _brain.Clear();
    }

    /// <summary>A seed for one random procedure, derived from the run seed and names only (independent of order and sharding).</summary>
    public ulong DeriveSeed(params string[] parts)
    {
        var hash = ContentHash.Of([Config.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), .. parts]);
        return Convert.ToUInt64(hash[..16], 16);
    }

    public string ActivationKey(ModelSession model, LayerDescription layer) =>
        ContentHash.Of(ArtifactCache.FormatVersion, "activations", model.Model.Fingerprint, layer.NetworkName, layer.Name, StimulusSetKey);

    /// <summary>The cached activation file of a layer; extracts every not-yet-cached layer of the model in one pass first.</summary>
    public string ActivationPath(ModelSession model, LayerDescription layer)
    {
        EnsureActivations(model);
        return Cache.PathFor("activations", ActivationKey(model, layer));
    }

    private void EnsureActivations(ModelSession model)
    {
        if (_extractedModels.Contains(model.Name)) return;
        var missing = new List<(LayerDescription Layer, string Key)>();
        foreach (var layer in model.Layers)
        {
            var key = ActivationKey(model, layer);
            if (Cache.TryGet("activations", key, new long[] { Stimuli.Count, layer.FeatureCount }, out _)) Cache.Statistics.ActivationHit();
            else missing.Add((layer, key));
        }
        if (missing.Count > 0)
        {
            Log.LogInformation("Model {Model}: extracting {Count} of {Total} layers for {N} stimuli", model.Name, missing.Count, model.Layers.Count, Stimuli.Count);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var view = model.Model.Extract(_stimulusView, missing.Select(m => m.Layer).ToList(), Config.Extraction);
            var columns = missing.Select(m => new VectorColumnWriter.Column(m.Layer.SafeName, m.Layer.FeatureCount, $"layer '{m.Layer.Name}'",
                Cache.PathFor("activations", m.Key))).ToList();
            using (var progress = Progress.Start($"Model '{model.Name}'", Stimuli.Count, "images"))
                VectorColumnWriter.Write($"Model '{model.Name}'", view, columns, Stimuli, progress, Log, Cancellation);
            foreach (var (layer, key) in missing)
            {
                Cache.Statistics.ActivationMiss();
                Cache.Describe("activations", key, new Dictionary<string, object?>
                {
                    ["model"] = model.Name, ["fingerprint"] = model.Model.Fingerprint, ["layer"] = layer.Name, ["networkName"] = layer.NetworkName,
                    ["shape"] = new[] { Stimuli.Count, layer.FeatureCount }, ["stimulusSet"] = StimulusSetKey,
                });
            }
            Log.LogInformation("Model {Model}: extracted in {Seconds:0.0} s ({Rate:0.0} images/s)", model.Name, started.Elapsed.TotalSeconds,
                Stimuli.Count / Math.Max(1e-9, started.Elapsed.TotalSeconds));
        }
        _extractedModels.Add(model.Name);
    }

    /// <summary>The RDM of a layer under <paramref name="metric"/> (cached; written to <c>rdms/&lt;model&gt;/</c>).</summary>
    public Rdm LayerRdm(ModelSession model, LayerDescription layer, DistanceMetric metric)
    {
        var activationKey = ActivationKey(model, layer);
        var key = ContentHash.Of(ArtifactCache.FormatVersion, "rdm", activationKey, EnumNames.Name(metric), EnumNames.Name(Config.Precision));
        if (_rdms.TryGetValue(key, out var known)) return known;
        var rdm = CachedRdm(key, () =>
        {
            using var matrix = NpyMatrix.Open(ActivationPath(model, layer));
            return Compute(matrix, metric, $"model '{model.Name}', layer '{layer.Name}'");
        });
        WriteSquare(rdm, Output.LayerRdm(model.Name, layer, metric));
        return _rdms[key] = rdm;
    }

    /// <summary>The RDM of a target (cached; written to <c>rdms/targets/</c>).</summary>
    public Rdm TargetRdm(TargetSession target)
    {
        var baseKey = ContentHash.Of(ArtifactCache.FormatVersion, "target", target.Config.Kind, target.Target.Fingerprint, StimulusSetKey, _annotationKey);
        var key = ContentHash.Of(baseKey, "rdm", EnumNames.Name(target.Metric), EnumNames.Name(Config.Precision));
        if (_rdms.TryGetValue(key, out var known)) return known;
        var rdm = CachedRdm(key, () =>
        {
            Log.LogInformation("Target {Target}: computing", target.Name);
            var representation = target.Target.Compute(Stimuli, Cancellation);
            if (representation.ReadyRdm is { } ready) return ready.Select(Stimuli.Ids);
            var vectors = Cache.PathFor("targets", baseKey);
            var schema = representation.Vectors!.Schema;
            var column = schema.GetColumnOrNull(representation.VectorColumn!)
                ?? throw new InvalidOperationException($"Target '{target.Name}': its output has no column '{representation.VectorColumn}'.");
            var length = column.Type is Microsoft.ML.Data.VectorDataViewType vt && vt.Size > 0 ? vt.Size
                : throw new InvalidOperationException($"Target '{target.Name}': column '{column.Name}' must be a float vector of known size, found {column.Type}.");
            VectorColumnWriter.Write($"Target '{target.Name}'", representation.Vectors,
                new[] { new VectorColumnWriter.Column(column.Name, length, $"column '{column.Name}'", vectors) }, Stimuli, null, Log, Cancellation);
            Cache.Statistics.TargetMiss();
            using var matrix = NpyMatrix.Open(vectors);
            return Compute(matrix, target.Metric, $"target '{target.Name}'");
        });
        WriteSquare(rdm, Output.TargetRdm(target.Name));
        return _rdms[key] = rdm;
    }

    private Rdm Compute(IFeatureMatrix matrix, DistanceMetric metric, string what)
    {
        var result = RdmCalculator.Compute(matrix, Stimuli.Ids, metric, RdmOptions, Log);
        foreach (var w in result.Warnings) Manifest.Warnings.Add($"{what}: {w}");
        return result.Rdm;
    }

    private Rdm CachedRdm(string key, Func<Rdm> compute)
    {
        long pairs = (long)Stimuli.Count * (Stimuli.Count - 1) / 2;
        if (Cache.TryGet("rdms", key, new[] { pairs }, out var path))
        {
            Cache.Statistics.RdmHit();
            return new Rdm(Stimuli.Ids, Npy.ReadFloat64(path).Data, "cached");
        }
        Cache.Statistics.RdmMiss();
        var rdm = compute();
        Npy.Write(path, rdm.Condensed, new[] { pairs });
        return rdm;
    }

    private void WriteSquare(Rdm rdm, string path)
    {
        if (File.Exists(path) && Manifest.Outputs.Contains(Output.Relative(path))) return;
        Npy.Write(path, rdm.ToSquare(), new long[] { rdm.Count, rdm.Count });
        Manifest.Outputs.Add(Output.Relative(path));
    }
}
