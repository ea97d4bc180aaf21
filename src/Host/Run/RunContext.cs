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
    private readonly StimulusSet _run;
    private readonly Dictionary<StimulusTable, StimulusSet> _otherSets = new(ReferenceEqualityComparer.Instance);
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
        _run = new StimulusSet(stimuli, stimulusSetKey, Data.StimulusDataView.Create(ml, stimuli));
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

    public string ActivationKey(ModelSession model, LayerDescription layer) => ActivationKey(_run, model, layer);

    private string ActivationKey(StimulusSet set, ModelSession model, LayerDescription layer) =>
        ContentHash.Of([ArtifactCache.FormatVersion, "activations", model.Model.Fingerprint, layer.NetworkName, layer.Name, set.Key, .. ExtractionVariant]);

    /// <summary>
    /// What, besides model, layer and images, changes the bytes of an extraction: nothing by default (CPU, graph
    /// as exported; so existing cache entries stay valid), else the GPU and/or ONNX Runtime's graph optimisations.
    /// </summary>
    private string[] ExtractionVariant =>
        [.. Config.Extraction.GpuDeviceId is { } gpu ? new[] { $"gpu:{gpu}" } : [], .. Config.Extraction.OptimizeGraph ? new[] { "ort-optimized" } : []];

    /// <summary>The key of the rows [<paramref name="start"/>, start + count) of a layer's activations (a shard's block of a stimulus-split layer).</summary>
    public string RowBlockKey(ModelSession model, LayerDescription layer, int start, int count) =>
        start == 0 && count == Stimuli.Count
            ? ActivationKey(model, layer)
            : ContentHash.Of([ArtifactCache.FormatVersion, "activation-rows", model.Model.Fingerprint, layer.NetworkName, layer.Name, StimulusSetKey,
                start.ToString(System.Globalization.CultureInfo.InvariantCulture), count.ToString(System.Globalization.CultureInfo.InvariantCulture), .. ExtractionVariant]);

    /// <summary>The key of a layer RDM under <paramref name="metric"/>.</summary>
    public string LayerRdmKey(ModelSession model, LayerDescription layer, DistanceMetric metric) => LayerRdmKey(_run, model, layer, metric);

    private string LayerRdmKey(StimulusSet set, ModelSession model, LayerDescription layer, DistanceMetric metric) =>
        ContentHash.Of(ArtifactCache.FormatVersion, "rdm", ActivationKey(set, model, layer), EnumNames.Name(metric), EnumNames.Name(Config.Precision));

    private string TargetBaseKey(TargetSession target) =>
        ContentHash.Of(ArtifactCache.FormatVersion, "target", target.Config.Kind, target.Target.Fingerprint, StimulusSetKey, _annotationKey);

    /// <summary>The key of a target's RDM.</summary>
    public string TargetRdmKey(TargetSession target) =>
        ContentHash.Of(TargetBaseKey(target), "rdm", EnumNames.Name(target.Metric), EnumNames.Name(Config.Precision));

    /// <summary>The cached activation file of a layer; extracts every not-yet-cached layer of the model in one pass first.</summary>
    public string ActivationPath(ModelSession model, LayerDescription layer)
    {
        return ActivationPath(_run, model, layer);
    }

    private string ActivationPath(StimulusSet set, ModelSession model, LayerDescription layer)
    {
        if (set.ExtractedModels.Add(model.Name)) EnsureActivations(set, model, model.Layers, 0, set.Table.Count);
        return Cache.PathFor("activations", ActivationKey(set, model, layer));
    }

    /// <summary>
    /// Makes sure the activations of <paramref name="layers"/> for the stimuli [<paramref name="start"/>,
    /// start + count) are in the cache, extracting the missing ones in one pass. Returns their keys (in
    /// layer order). Activations depend only on (model, layer, image), not on which other layers or
    /// stimuli are extracted with them, so row blocks and layer groups assemble to the bytes of one pass.
    /// </summary>
    public IReadOnlyList<string> EnsureActivations(ModelSession model, IReadOnlyList<LayerDescription> layers, int start, int count) =>
        EnsureActivations(_run, model, layers, start, count);

    private IReadOnlyList<string> EnsureActivations(StimulusSet set, ModelSession model, IReadOnlyList<LayerDescription> layers, int start, int count)
    {
        bool own = ReferenceEquals(set, _run);
        bool whole = start == 0 && count == set.Table.Count;
        if (!own && !whole) throw new ArgumentException("Row blocks are planned for the run's own stimuli only.", nameof(start));
        var keys = layers.Select(l => own ? RowBlockKey(model, l, start, count) : ActivationKey(set, model, l)).ToList();
        var missing = new List<(LayerDescription Layer, string Key)>();
        for (int i = 0; i < layers.Count; i++)
        {
            if (Cache.TryGet("activations", keys[i], new long[] { count, layers[i].FeatureCount }, out _)) Cache.Statistics.ActivationHit();
            else missing.Add((layers[i], keys[i]));
        }
        if (missing.Count == 0) return keys;

        var rows = whole ? set.Table : set.Table.Slice(start, count);
        var range = whole ? (own ? "" : $" ({set.Table.Source})") : $" (stimuli {start}–{start + count - 1})";
        Log.LogInformation("Model {Model}: extracting {Count} of {Total} layers for {N} stimuli{Range}", model.Name, missing.Count, layers.Count, count, range);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var view = model.Model.Extract(whole ? set.View : Data.StimulusDataView.Create(ML, rows), missing.Select(m => m.Layer).ToList(), Config.Extraction);
        var temporaries = missing.Select(m => Cache.TemporaryPathFor("activations", m.Key)).ToList();
        try
        {
            var columns = missing.Select((m, i) => new VectorColumnWriter.Column(m.Layer.SafeName, m.Layer.FeatureCount, $"layer '{m.Layer.Name}'", temporaries[i])).ToList();
            using (var progress = Progress.Start($"Model '{model.Name}'{range}", count, "images"))
                VectorColumnWriter.Write($"Model '{model.Name}'", view, columns, rows, progress, Log, Cancellation);
            for (int i = 0; i < missing.Count; i++)
            {
                var (layer, key) = missing[i];
                Cache.Statistics.ActivationMiss();
                Cache.Seal("activations", key, temporaries[i], new Dictionary<string, object?>
                {
                    ["what"] = $"{model.Name}/{layer.Name}{range}",
                    ["model"] = model.Name, ["fingerprint"] = model.Model.Fingerprint, ["layer"] = layer.Name, ["networkName"] = layer.NetworkName,
                    ["shape"] = new long[] { count, layer.FeatureCount }, ["stimulusSet"] = set.Key, ["rows"] = new[] { start, count },
                });
            }
        }
        finally
        {
            foreach (var t in temporaries) if (File.Exists(t)) File.Delete(t);
        }
        Log.LogInformation("Model {Model}: extracted in {Seconds:0.0} s ({Rate:0.0} images/s)", model.Name, started.Elapsed.TotalSeconds,
            count / Math.Max(1e-9, started.Elapsed.TotalSeconds));
        return keys;
    }

    /// <summary>The RDM of a layer under <paramref name="metric"/> (cached; written to <c>rdms/&lt;model&gt;/</c>).</summary>
    public Rdm LayerRdm(ModelSession model, LayerDescription layer, DistanceMetric metric)
    {
        var rdm = CachedLayerRdm(model, layer, metric);
        WriteSquare(rdm, Output.LayerRdm(model.Name, layer, metric));
        return rdm;
    }

    /// <summary>
    /// The RDMs of every layer of a model, as <see cref="LayerRdm(ModelSession, LayerDescription, DistanceMetric)"/> gives
    /// them, with progress: the first one extracts the model's layers (which report their own progress; one live display
    /// at a time), then the others are counted.
    /// </summary>
    public IReadOnlyList<Rdm> LayerRdms(ModelSession model, DistanceMetric metric)
    {
        var rdms = new Rdm[model.Layers.Count];
        if (rdms.Length == 0) return rdms;
        rdms[0] = LayerRdm(model, model.Layers[0], metric);
        using var progress = Progress.Start($"Model '{model.Name}'", rdms.Length, "layer RDMs");
        for (int i = 1; i < rdms.Length; i++)
        {
            Cancellation.ThrowIfCancellationRequested();
            rdms[i] = LayerRdm(model, model.Layers[i], metric);
            progress.Report(i + 1);
        }
        return rdms;
    }

    /// <summary>The RDM of a layer from the cache, computed and cached if missing; nothing is written to the run folder.</summary>
    public Rdm CachedLayerRdm(ModelSession model, LayerDescription layer, DistanceMetric metric) => CachedLayerRdm(_run, model, layer, metric);

    /// <summary>
    /// The RDM of a layer over <paramref name="stimuli"/>, another stimulus set than the run's (e.g. the edited images
    /// of a distractor condition), in that set's order: activations and RDM cached by the set's content like the run's
    /// own, so a rerun recomputes nothing; the square RDM is written to <paramref name="outputPath"/> (inside the run folder).
    /// </summary>
    public Rdm LayerRdm(ModelSession model, LayerDescription layer, DistanceMetric metric, StimulusTable stimuli, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(stimuli);
        if (!_otherSets.TryGetValue(stimuli, out var set))
            _otherSets[stimuli] = set = new StimulusSet(stimuli, Run.StimulusSetKey.Compute(stimuli), Data.StimulusDataView.Create(ML, stimuli));
        var rdm = CachedLayerRdm(set, model, layer, metric);
        WriteSquare(rdm, outputPath);
        return rdm;
    }

    private Rdm CachedLayerRdm(StimulusSet set, ModelSession model, LayerDescription layer, DistanceMetric metric)
    {
        var key = LayerRdmKey(set, model, layer, metric);
        if (_rdms.TryGetValue(key, out var known)) return known;
        Cache.MarkUsed("activations", ActivationKey(set, model, layer));
        var own = ReferenceEquals(set, _run);
        var what = $"model '{model.Name}', layer '{layer.Name}'" + (own ? "" : $" ({set.Table.Source})");
        var rdm = CachedRdm(set, key, what, $"{model.Name}/{layer.Name} {EnumNames.Name(metric)}" + (own ? "" : $" over {set.Table.Source}"), () =>
        {
            using var matrix = NpyMatrix.Open(ActivationPath(set, model, layer));
            return Compute(set.Table, matrix, metric);
        });
        return _rdms[key] = rdm;
    }

    /// <summary>The RDM of a target (cached; written to <c>rdms/targets/</c>).</summary>
    public Rdm TargetRdm(TargetSession target)
    {
        var rdm = CachedTargetRdm(target);
        WriteSquare(rdm, Output.TargetRdm(target.Name));
        return rdm;
    }

    /// <summary>The RDM of a target from the cache, computed and cached if missing; nothing is written to the run folder.</summary>
    public Rdm CachedTargetRdm(TargetSession target)
    {
        var baseKey = TargetBaseKey(target);
        var key = TargetRdmKey(target);
        if (_rdms.TryGetValue(key, out var known)) return known;
        Cache.MarkUsed("targets", baseKey);
        var rdm = CachedRdm(_run, key, $"target '{target.Name}'", $"target {target.Name} {EnumNames.Name(target.Metric)}", () =>
        {
            Log.LogInformation("Target {Target}: computing", target.Name);
            var representation = target.Target.Compute(Stimuli, Cancellation);
            if (representation.ReadyRdm is { } ready) return (ready.Select(Stimuli.Ids), []);
            var schema = representation.Vectors!.Schema;
            var column = schema.GetColumnOrNull(representation.VectorColumn!)
                ?? throw new InvalidOperationException($"Target '{target.Name}': its output has no column '{representation.VectorColumn}'.");
            var length = column.Type is Microsoft.ML.Data.VectorDataViewType vt && vt.Size > 0 ? vt.Size
                : throw new InvalidOperationException($"Target '{target.Name}': column '{column.Name}' must be a float vector of known size, found {column.Type}.");
            var vectors = Cache.Store("targets", baseKey, temporary => VectorColumnWriter.Write($"Target '{target.Name}'", representation.Vectors,
                new[] { new VectorColumnWriter.Column(column.Name, length, $"column '{column.Name}'", temporary) }, Stimuli, null, Log, Cancellation),
                new Dictionary<string, object?>
                {
                    ["what"] = $"target {target.Name}", ["target"] = target.Name, ["kind"] = target.Config.Kind, ["fingerprint"] = target.Target.Fingerprint,
                    ["shape"] = new long[] { Stimuli.Count, length }, ["stimulusSet"] = StimulusSetKey,
                });
            Cache.Statistics.TargetMiss();
            using var matrix = NpyMatrix.Open(vectors);
            return Compute(Stimuli, matrix, target.Metric);
        });
        return _rdms[key] = rdm;
    }

    private (Rdm Rdm, IReadOnlyList<string> Warnings) Compute(StimulusTable stimuli, IFeatureMatrix matrix, DistanceMetric metric)
    {
        var result = RdmCalculator.Compute(matrix, stimuli.Ids, metric, RdmOptions, Log);
        return (result.Rdm, result.Warnings);
    }

    /// <summary>
    /// An RDM from the cache or computed and cached. The warnings of its computation are kept in the
    /// entry's sidecar and go to the manifest on every use, so a cache hit reports what the computation did.
    /// </summary>
    private Rdm CachedRdm(StimulusSet set, string key, string label, string what, Func<(Rdm Rdm, IReadOnlyList<string> Warnings)> compute)
    {
        long pairs = (long)set.Table.Count * (set.Table.Count - 1) / 2;
        Rdm rdm;
        IReadOnlyList<string> warnings;
        if (Cache.TryGet("rdms", key, new[] { pairs }, out var path))
        {
            Cache.Statistics.RdmHit();
            rdm = new Rdm(set.Table.Ids, Npy.ReadFloat64(path).Data, "cached");
            warnings = Cache.WarningsOf("rdms", key);
        }
        else
        {
            Cache.Statistics.RdmMiss();
            (rdm, warnings) = compute();
            var condensed = rdm.CondensedArray;
            Cache.Store("rdms", key, temporary => Npy.Write(temporary, condensed, new[] { pairs }),
                new Dictionary<string, object?> { ["what"] = what, ["shape"] = new[] { pairs }, ["stimulusSet"] = set.Key }, warnings);
        }
        foreach (var w in warnings) Manifest.Warnings.Add($"{label}: {w}");
        return rdm;
    }

    private void WriteSquare(Rdm rdm, string path)
    {
        if (File.Exists(path) && Manifest.Outputs.Contains(Output.Relative(path))) return;
        Npy.Write(path, rdm.ToSquare(), new long[] { rdm.Count, rdm.Count });
        Manifest.Outputs.Add(Output.Relative(path));
    }

    /// <summary>A stimulus set activations are extracted for: the run's, or another one an analysis asks about.</summary>
    private sealed class StimulusSet(StimulusTable table, string key, IDataView view)
    {
        public StimulusTable Table { get; } = table;
        public string Key { get; } = key;
        public IDataView View { get; } = view;
        public HashSet<string> ExtractedModels { get; } = new(StringComparer.Ordinal);
    }
}
