using RepLens.Abstractions;
using RepLens.Plugins.Brain.Common;

namespace RepLens.Plugins.Brain.Nsd;

/// <summary>The options, read once.</summary>
internal sealed class NsdSettings
{
    public required DatasetOptions Common { get; init; }
    public required PathPattern Trials { get; init; }
    public required PathPattern Betas { get; init; }
    public required PathPattern Rois { get; init; }
    public required IReadOnlyList<PathPattern> Mappings { get; init; }
    public required string DatasetPath { get; init; }
    public required double Scale { get; init; }
    public required bool ZScore { get; init; }
    public required int MinRepetitions { get; init; }
    public required int FirstTrial { get; init; }
    public required bool CacheSubject { get; init; }
    public required bool MemoryMapped { get; init; }

    public bool PerHemisphere => Betas.Has("hemi");

    public static NsdSettings Read(string root, PluginOptions o)
    {
        string P(string key) => $"{o.Path}.{key}";
        var betas = PathPattern.Parse(o.GetString(NsdBetasDataset.BetasOption, NsdBetasDataset.DefaultBetas)!, P(NsdBetasDataset.BetasOption));
        if (!betas.Has("session"))
            throw new ConfigurationErrorException(P(NsdBetasDataset.BetasOption), $"'{betas.Text}' has no {{session}} placeholder; there is one betas file per session.");
        var trialsText = o.GetString(NsdBetasDataset.TrialsOption) ?? (File.Exists(Path.Combine(root, "trials.csv")) ? "trials.csv" : "{subject}/trials.csv");
        double scale = o.GetDouble(NsdBetasDataset.ScaleOption, 1.0);
        if (!(scale > 0) || !double.IsFinite(scale))
            throw new ConfigurationErrorException(P(NsdBetasDataset.ScaleOption), $"expected a positive number (NSD's int16 betas: 300), found {scale}.");
        int minReps = o.GetInt32(NsdBetasDataset.MinRepetitionsOption, 1);
        if (minReps < 1) throw new ConfigurationErrorException(P(NsdBetasDataset.MinRepetitionsOption), $"expected 1 or more, found {minReps}.");
        var rois = PathPattern.Parse(o.GetString(NsdBetasDataset.RoisOption, "{subject}/roi")!, P(NsdBetasDataset.RoisOption));
        var cache = o.GetString(NsdBetasDataset.CacheOption, "subject")!;
        if (cache is not ("subject" or "none"))
            throw new ConfigurationErrorException(P(NsdBetasDataset.CacheOption), $"'{cache}' is not a valid value; expected one of: subject, none.");
        var mappings = o.GetStringList(NsdBetasDataset.MappingsOption).Select(m => PathPattern.Parse(m, P(NsdBetasDataset.MappingsOption))).ToList();
        foreach (var p in mappings.Append(rois).Append(PathPattern.Parse(trialsText, P(NsdBetasDataset.TrialsOption))))
            if (p.Has("session") || p.Has("hemi"))
                throw new ConfigurationErrorException(P(p == rois ? NsdBetasDataset.RoisOption : p.Text == trialsText ? NsdBetasDataset.TrialsOption : NsdBetasDataset.MappingsOption),
                    $"'{p.Text}' may use {{subject}} only.");
        return new NsdSettings
        {
            Common = DatasetOptions.Read(o),
            Trials = PathPattern.Parse(trialsText, P(NsdBetasDataset.TrialsOption)),
            Betas = betas,
            Rois = rois,
            Mappings = mappings,
            DatasetPath = o.GetString(NsdBetasDataset.DatasetOption, "betas")!,
            Scale = scale,
            ZScore = o.GetBoolean(NsdBetasDataset.ZScoreOption, true),
            MinRepetitions = minReps,
            FirstTrial = o.GetInt32(NsdBetasDataset.FirstTrialOption, 1),
            CacheSubject = cache == "subject",
            MemoryMapped = o.GetBoolean(NsdBetasDataset.MemoryMappedOption, true),
        };
    }
}
