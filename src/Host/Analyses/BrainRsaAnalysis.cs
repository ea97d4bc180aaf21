using System.Globalization;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Configuration;
using RepLens.Host.Figures;
using RepLens.Host.Run;
using RepLens.Rsa.Comparisons;
using RepLens.Rsa.Inference;
using RepLens.Rsa.Rdms;

namespace RepLens.Host.Analyses;

/// <summary>
/// <c>"kind": "brain-rsa"</c>: per subject and ROI an RDM over the images every subject saw; each ROI
/// compared with every target and every model layer (the mean over subjects of the per-subject
/// correlations, with a stimulus-label permutation test on the subject-mean RDM and a bootstrap CI
/// over stimuli), leave-one-subject-out noise ceilings, correction across layers; plus the seed
/// study's layer-wise summary: across all layers, how a layer's target RSA predicts its brain RSA.
/// </summary>
internal sealed class BrainRsaAnalysis : IAnalysisKind
{
    public const string KindName = "brain-rsa";

    public string Kind => KindName;

    public string Question => "How closely does each ROI's representational geometry match each target and each network layer, relative to the noise ceiling?";

    public IReadOnlyList<string> References { get; } = new[]
    {
        Citations.Allen2022, Citations.Nili2014 + " (noise ceiling, permutation and bootstrap inference)", Citations.Kriegeskorte2008,
        Citations.BenjaminiHochberg1995, Citations.Efron1993,
    };

    public object ParseSettings(JsonObjectReader reader, ConfigContext context)
    {
        var brain = reader.String("brain", required: context.BrainNames.Count != 1, expected: "the name of an entry of $.brain");
        if (brain is null && context.BrainNames.Count == 1) brain = context.BrainNames[0];
        if (context.BrainNames.Count == 0) context.Errors.Add(reader.Path, "brain-rsa needs a data set in $.brain.");
        else if (brain is not null && !context.BrainNames.Contains(brain))
            context.Errors.Add(reader.At("brain"), $"no brain data set named '{brain}'." + NameSuggestions.DidYouMean(brain, context.BrainNames, 3));
        var models = context.Resolve(reader.StringList("models"), context.ModelNames, reader.At("models"), "model");
        var targets = context.Resolve(reader.StringList("targets"), context.TargetNames, reader.At("targets"), "target");
        if (context.ModelNames.Count == 0 && context.TargetNames.Count == 0)
            context.Errors.Add(reader.Path, "brain-rsa compares ROIs with targets and model layers; the config has neither.");
        return new BrainRsaSettings(
            brain ?? "",
            reader.StringList("rois"),
            reader.Enum("hemispheres", HemisphereMode.Average),
            reader.Enum("roiMetric", DistanceMetric.Cosine),
            models,
            targets,
            reader.Enum("layerMetric", DistanceMetric.Cosine),
            RsaInference.Read(reader));
    }

    /// <summary>One reference RDM a ROI is compared with: a target, or a layer of a model.</summary>
    private sealed record Reference(string Type, string Name, string Model, LayerDescription? Layer, double RelativeDepth, string Target, Rdm Rdm);

    private sealed record ResultRow(string Roi, Reference Reference, double R, double RGroup, double P, double Low, double High, int Subjects)
    {
        public double PAdjusted { get; set; } = double.NaN;
    }

    public IEnumerable<(string Model, DistanceMetric Metric)> LayerRdms(object settings) =>
        ((BrainRsaSettings)settings).Models.Select(m => (m, ((BrainRsaSettings)settings).LayerMetric));

    public void Run(RunContext context, object settings)
    {
        var s = (BrainRsaSettings)settings;
        var dataset = context.Brain(s.Brain);
        var log = context.Log;

        // The images every subject saw, in the run's stimulus order.
        var seenByAll = dataset.Subjects.Select(dataset.StimulusIds).Aggregate((IEnumerable<string>?)null,
            (acc, ids) => acc is null ? ids.ToHashSet(StringComparer.Ordinal) : acc.Intersect(ids, StringComparer.Ordinal))?.ToHashSet(StringComparer.Ordinal)
            ?? new HashSet<string>();
        var shared = context.Stimuli.Ids.Where(seenByAll.Contains).ToList();
        int notSeen = context.Stimuli.Count - shared.Count;
        var inBrainOnly = seenByAll.Count - shared.Count;
        var sharedNote = $"brain-rsa '{s.Brain}': {shared.Count} images kept (seen by all {dataset.Subjects.Count} subjects and in the stimulus table); " +
                         $"{notSeen} stimuli of the table were not seen by every subject; {inBrainOnly} images seen by every subject are not in the stimulus table.";
        log.LogInformation("{Note}", sharedNote);
        context.Manifest.Warnings.Add(sharedNote);
        foreach (var w in dataset.Warnings) context.Manifest.Warnings.Add($"brain '{s.Brain}': {w}");
        if (shared.Count < 3)
            throw new InvalidDataException($"brain-rsa '{s.Brain}': only {shared.Count} images are shared by every subject and the stimulus table; at least 3 are needed. " +
                "Check that the stimulus ids of the table match the data set's (see the loader's README, option idMap).");

        var references = new List<Reference>();
        foreach (var t in s.Targets)
        {
            var target = context.Target(t);
            references.Add(new Reference("target", t, "", null, double.NaN, t, context.TargetRdm(target).Select(shared)));
        }
        foreach (var m in s.Models)
        {
            var model = context.Model(m);
            var rdms = context.LayerRdms(model, s.LayerMetric);
            for (int i = 0; i < model.Layers.Count; i++)
            {
                var layer = model.Layers[i];
                references.Add(new Reference("layer", $"{m}:{layer.Name}", m, layer, model.RelativeDepth(layer), "", rdms[i].Select(shared)));
            }
        }

        var rois = s.Rois.Count > 0 ? s.Rois : dataset.Rois;
        foreach (var roi in rois)
            if (!dataset.Rois.Contains(roi))
                throw new ConfigurationErrorException("rois", $"brain data set '{s.Brain}' has no ROI '{roi}'." + NameSuggestions.DidYouMean(roi, dataset.Rois, 3));

        var rows = new List<ResultRow>();
        var subjectRows = new List<string[]>();
        var ceilingRows = new List<string[]>();
        var ceilings = new Dictionary<string, (double Lower, double Upper)>();
        var rdmOptions = context.RdmOptions;
        foreach (var roi in rois)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var subjects = new List<(string Subject, Rdm Rdm)>();
            foreach (var subject in dataset.Subjects)
            {
                var rdm = RoiRdm(context, dataset, subject, roi, s, shared, rdmOptions);
                if (rdm is null)
                {
                    var note = $"brain '{s.Brain}': subject {subject} has no ROI {roi}; its values are NaN and it is left out of the means.";
                    log.LogWarning("{Note}", note);
                    context.Manifest.Warnings.Add(note);
                    continue;
                }
                subjects.Add((subject, rdm));
            }
            if (subjects.Count == 0) continue;

            (double Lower, double Upper) ceiling = (double.NaN, double.NaN);
            if (subjects.Count >= 2)
            {
                var nc = NoiseCeiling.LeaveOneSubjectOut(subjects.Select(x => x.Rdm).ToList(), s.Inference.Comparison);
                ceiling = (nc.Lower, nc.Upper);
                for (int k = 0; k < subjects.Count; k++)
                    ceilingRows.Add(new[] { s.Brain, roi, subjects[k].Subject, F(nc.LowerPerSubject[k]), F(nc.UpperPerSubject[k]), "" });
            }
            ceilingRows.Add(new[] { s.Brain, roi, "mean", F(ceiling.Lower), F(ceiling.Upper), subjects.Count.ToString(CultureInfo.InvariantCulture) });
            ceilings[roi] = ceiling;

            var meanRdm = MeanRdm(subjects.Select(x => x.Rdm).ToList(), shared);
            foreach (var reference in references)
            {
                var perSubject = subjects.Select(x => RdmComparer.Compare(reference.Rdm, x.Rdm, s.Inference.Comparison)).ToArray();
                for (int k = 0; k < subjects.Count; k++)
                    subjectRows.Add(new[] { s.Brain, roi, subjects[k].Subject, reference.Type, reference.Model, reference.Layer?.Name ?? "", reference.Target, F(perSubject[k]) });
                double r = perSubject.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
                double rGroup = RdmComparer.Compare(reference.Rdm, meanRdm, s.Inference.Comparison);
                double p = s.Inference.Permutations > 0
                    ? PermutationTest.Run(meanRdm, reference.Rdm, s.Inference.Comparison, s.Inference.Permutations, context.DeriveSeed(Kind, "permutation", s.Brain, roi, reference.Name)).PValue
                    : double.NaN;
                double low = double.NaN, high = double.NaN;
                if (s.Inference.Bootstrap > 0 && shared.Count >= 3)
                {
                    var all = new List<Rdm> { reference.Rdm };
                    all.AddRange(subjects.Select(x => x.Rdm));
                    var method = s.Inference.Comparison;
                    var b = StimulusBootstrap.Run(all, v =>
                    {
                        double sum = 0;
                        int count = 0;
                        for (int k = 1; k < v.Count; k++)
                        {
                            var c = RdmComparer.Compare(v[0], v[k], method);
                            if (double.IsFinite(c)) { sum += c; count++; }
                        }
                        return count == 0 ? double.NaN : sum / count;
                    }, s.Inference.Bootstrap, context.DeriveSeed(Kind, "bootstrap", s.Brain, roi, reference.Name), s.Inference.ConfidenceLevel);
                    (low, high) = (b.Lower, b.Upper);
                }
                rows.Add(new ResultRow(roi, reference, r, rGroup, p, low, high, subjects.Count));
            }
            log.LogInformation("brain-rsa {Brain} {Roi}: {Subjects} subjects, noise ceiling [{Lower:0.000}, {Upper:0.000}]",
                s.Brain, roi, subjects.Count, ceiling.Lower, ceiling.Upper);
        }

        // Corrections: across the layers of each model (per ROI), and across all ROI × target tests.
        if (s.Inference.Permutations > 0)
        {
            foreach (var group in rows.GroupBy(x => x.Reference.Type == "layer" ? $"layer|{x.Roi}|{x.Reference.Model}" : "target"))
            {
                var list = group.ToList();
                var q = FalseDiscovery.Correct(list.Select(x => x.P).ToArray(), s.Inference.Correction).Adjusted;
                for (int i = 0; i < list.Count; i++) list[i].PAdjusted = q[i];
            }
        }

        var outputs = new List<string>();
        var table = context.Output.Table("brain_rsa");
        CsvTable.Write(table, new[]
        {
            "brain", "roi", "reference_type", "model", "layer", "depth", "relative_depth", "target", "r", "r_group", "p", "p_fdr", "ci_low", "ci_high",
            "noise_lower", "noise_upper", "n_subjects", "n_stimuli", "comparison",
        }, rows.Select(x => (IReadOnlyList<string>)new[]
        {
            s.Brain, x.Roi, x.Reference.Type, x.Reference.Model, x.Reference.Layer?.Name ?? "", x.Reference.Layer?.Depth.ToString(CultureInfo.InvariantCulture) ?? "",
            F(x.Reference.RelativeDepth), x.Reference.Target, F(x.R), F(x.RGroup), F(x.P), F(x.PAdjusted), F(x.Low), F(x.High),
            F(ceilings[x.Roi].Lower), F(ceilings[x.Roi].Upper), x.Subjects.ToString(CultureInfo.InvariantCulture), shared.Count.ToString(CultureInfo.InvariantCulture),
            EnumNames.Name(s.Inference.Comparison),
        }));
        var subjectTable = context.Output.Table("brain_rsa_subjects");
        CsvTable.Write(subjectTable, new[] { "brain", "roi", "subject", "reference_type", "model", "layer", "target", "r" }, subjectRows);
        var ceilingTable = context.Output.Table("brain_noise_ceilings");
        CsvTable.Write(ceilingTable, new[] { "brain", "roi", "subject", "lower", "upper", "n_subjects" }, ceilingRows);

        var roiList = rows.Select(x => x.Roi).Distinct().ToList();
        if (s.Targets.Count > 0)
        {
            var fig = context.Output.Figure($"brain_targets_{LayerDescription.MakeSafe(s.Brain)}");
            FigureWriter.SaveCategoryPoints(fig, $"ROIs vs targets ({s.Brain})", "ROI", $"mean {EnumNames.Name(s.Inference.Comparison)} r over subjects", roiList,
                s.Targets.Select(t => (t, (IReadOnlyList<(double, double, double)>)roiList
                    .Select(roi => rows.Single(x => x.Roi == roi && x.Reference.Type == "target" && x.Reference.Target == t))
                    .Select(x => (x.R, x.Low, x.High)).ToList())).ToList(),
                roiList.Select(roi => ceilings[roi]).ToList(),
                subtitle: $"{shared.Count} shared images; grey bands: leave-one-subject-out noise ceiling (lower–upper); bars: {s.Inference.ConfidenceLevel:P0} bootstrap CI");
            outputs.Add(context.Output.Relative(fig + ".png"));
            outputs.Add(context.Output.Relative(fig + ".svg"));
        }
        foreach (var m in s.Models)
        {
            var model = context.Model(m);
            var values = new double[model.Layers.Count, roiList.Count];
            for (int i = 0; i < model.Layers.Count; i++)
                for (int j = 0; j < roiList.Count; j++)
                    values[i, j] = rows.Single(x => x.Roi == roiList[j] && x.Reference.Model == m && x.Reference.Layer == model.Layers[i]).R;
            var fig = context.Output.Figure($"brain_layers_{LayerDescription.MakeSafe(s.Brain)}_{m}");
            FigureWriter.SaveMatrix(fig, $"{m} layers vs ROIs ({s.Brain})", values, model.Layers.Select(l => l.Name).ToList(), roiList,
                $"mean {EnumNames.Name(s.Inference.Comparison)} r", subtitle: $"{shared.Count} shared images; rows: layers (input at the top)");
            outputs.Add(context.Output.Relative(fig + ".png"));
            outputs.Add(context.Output.Relative(fig + ".svg"));
        }

        // The seed study's layer-wise summary: across all layers of all models, does a layer's target RSA predict its brain RSA?
        var summaryRows = new List<string[]>();
        if (s.Models.Count > 0)
        {
            foreach (var t in s.Targets)
            {
                var targetRdm = references.First(x => x.Type == "target" && x.Target == t).Rdm;
                var layerRefs = references.Where(x => x.Type == "layer").ToList();
                var x = layerRefs.Select(l => RdmComparer.Compare(l.Rdm, targetRdm, s.Inference.Comparison)).ToArray();
                var scatter = new List<(string Roi, double[] X, double[] Y)>();
                foreach (var roi in roiList)
                {
                    var y = layerRefs.Select(l => rows.Single(r => r.Roi == roi && r.Reference == l).R).ToArray();
                    var fit = LayerSummary.Fit(x, y);
                    summaryRows.Add(new[]
                    {
                        s.Brain, roi, t, fit.N.ToString(CultureInfo.InvariantCulture), F(fit.Pearson), F(fit.Spearman), F(fit.QuadraticR),
                        F(fit.Slope), F(fit.Intercept),
                    });
                    scatter.Add((roi, x, y));
                }
                var fig = context.Output.Figure($"brain_layer_summary_{LayerDescription.MakeSafe(s.Brain)}_{LayerDescription.MakeSafe(t)}");
                FigureWriter.SaveScatterWithFits(fig, $"Layer {t} RSA vs layer brain RSA ({s.Brain})", $"layer RSA with {t} ({EnumNames.Name(s.Inference.Comparison)} r)",
                    $"layer RSA with ROI (mean {EnumNames.Name(s.Inference.Comparison)} r)", scatter,
                    subtitle: "one point per layer of every model; lines: least-squares fit per ROI");
                outputs.Add(context.Output.Relative(fig + ".png"));
                outputs.Add(context.Output.Relative(fig + ".svg"));
            }
            var summary = context.Output.Table("brain_layer_summary");
            CsvTable.Write(summary, new[] { "brain", "roi", "target", "n_layers", "pearson_r", "spearman_r", "quadratic_r", "slope", "intercept" }, summaryRows);
            outputs.Add(context.Output.Relative(summary));
        }

        outputs.Add(context.Output.Relative(table));
        outputs.Add(context.Output.Relative(ceilingTable));
        outputs.Add(context.Output.Relative(subjectTable));
        context.Manifest.Outputs.AddRange(outputs);
        context.Manifest.Analyses.Add(new RunManifest.AnalysisInfo(Kind, Question, new Dictionary<string, string>
        {
            ["brain"] = s.Brain,
            ["sharedImages"] = shared.Count.ToString(CultureInfo.InvariantCulture),
            ["subjects"] = dataset.Subjects.Count.ToString(CultureInfo.InvariantCulture),
            ["hemispheres"] = EnumNames.Name(s.Hemispheres),
            ["roiMetric"] = EnumNames.Name(s.RoiMetric),
            ["layerMetric"] = EnumNames.Name(s.LayerMetric),
            ["comparison"] = EnumNames.Name(s.Inference.Comparison),
            ["r"] = "mean over subjects of the per-subject correlations; r_group: correlation with the subject-mean RDM",
            ["permutations"] = $"{s.Inference.Permutations} stimulus-label permutations of the reference RDM against the subject-mean RDM (p for r_group)",
            ["bootstrap"] = $"{s.Inference.Bootstrap} resamples of stimuli, percentile {s.Inference.ConfidenceLevel:P0} CI of the mean r",
            ["noiseCeiling"] = "leave-one-subject-out: lower = ρ(mean of the other subjects, this subject), upper = ρ(mean of all, this subject), averaged",
            ["correction"] = $"{EnumNames.Name(s.Inference.Correction)} across the layers of each model per ROI, and across all ROI × target tests",
        }, outputs, References));
    }

    private static Rdm? RoiRdm(RunContext context, IBrainDataset dataset, string subject, string roi, BrainRsaSettings s,
        IReadOnlyList<string> shared, RdmOptions options)
    {
        Rdm? Compute(Hemisphere? hemisphere)
        {
            var responses = dataset.Load(subject, roi, hemisphere);
            if (responses is null) return null;
            foreach (var w in responses.Warnings) context.Manifest.Warnings.Add($"brain '{s.Brain}' {subject} {roi}: {w}");
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < responses.StimulusIds.Count; i++) index[responses.StimulusIds[i]] = i;
            int v = responses.Responses.Columns;
            var data = new float[(long)shared.Count * v];
            for (int i = 0; i < shared.Count; i++)
                responses.Responses.Row(index[shared[i]]).CopyTo(data.AsSpan(i * v, v));
            var result = RdmCalculator.Compute(new FloatMatrix(shared.Count, v, data), shared, s.RoiMetric, options, context.Log);
            foreach (var w in result.Warnings) context.Manifest.Warnings.Add($"brain '{s.Brain}' {subject} {roi}: {w}");
            return result.Rdm;
        }

        if (s.Hemispheres == HemisphereMode.Concatenate) return Compute(null);
        var left = Compute(Hemisphere.Left);
        var right = Compute(Hemisphere.Right);
        if (left is null || right is null)
        {
            var one = left ?? right;
            if (one is not null)
                context.Manifest.Warnings.Add($"brain '{s.Brain}': subject {subject} has ROI {roi} only in the {(left is null ? "right" : "left")} hemisphere; that hemisphere's RDM is used alone.");
            return one;
        }
        var values = new double[left.CondensedArray.Length];
        for (int k = 0; k < values.Length; k++) values[k] = (left.CondensedArray[k] + right.CondensedArray[k]) / 2;
        return new Rdm(shared, values, left.Metric);
    }

    private static Rdm MeanRdm(IReadOnlyList<Rdm> rdms, IReadOnlyList<string> ids)
    {
        var mean = new double[rdms[0].CondensedArray.Length];
        for (int k = 0; k < mean.Length; k++)
        {
            double sum = 0;
            int count = 0;
            foreach (var r in rdms)
            {
                var v = r.CondensedArray[k];
                if (!double.IsNaN(v)) { sum += v; count++; }
            }
            mean[k] = count == 0 ? double.NaN : sum / count;
        }
        return new Rdm(ids, mean, "subject mean");
    }

    private static string F(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
