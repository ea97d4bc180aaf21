using System.Text.Json;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.ReceptiveFields;
using RepLens.Host.Configuration;
using RepLens.Host.ReceptiveFields;
using RepLens.Host.Run;
using RepLens.Rsa.ReceptiveFields;

namespace RepLens.Host.Analyses;

/// <summary>
/// <c>"kind": "receptive-fields"</c>: what deep units of a convolutional network are tuned to, by
/// back-projection of a clamped unit to the network's input over a sweep of constants, checked by feeding
/// the pattern forward (He &amp; Pugeault 2018, arXiv:1801.04261); for two networks of the same
/// architecture (before and after fine-tuning), side by side with the per-unit similarity across layers.
/// See <see cref="ReceptiveFieldStudy"/> and docs/analyses/receptive-fields.md.
/// </summary>
internal sealed class ReceptiveFieldsAnalysis : IAnalysisKind
{
    public const string KindName = "receptive-fields";

    /// <summary>Cap on the memory the back-projected signals take, whatever the run's budget.</summary>
    private const long MaxSignalMemory = 1L << 30;

    public string Kind => KindName;

    public string Question => "What input pattern does a deep unit stand for — projected back to the input, checked by feeding it forward — and how does it change with fine-tuning?";

    public IReadOnlyList<string> References { get; } = new[]
    {
        "He, S., & Pugeault, N. (2018). Deep saliency: What is learnt by a deep network about saliency? arXiv:1801.04261",
        "Zeiler, M. D., & Fergus, R. (2014). Visualizing and understanding convolutional networks. ECCV 2014, LNCS 8689, 818–833. doi:10.1007/978-3-319-10590-1_53",
        "Simonyan, K., & Zisserman, A. (2015). Very deep convolutional networks for large-scale image recognition. ICLR 2015. arXiv:1409.1556",
    };

    public object ParseSettings(JsonObjectReader reader, ConfigContext context)
    {
        var errors = context.Errors;
        var models = context.Resolve(reader.StringList("models"), context.ModelNames, reader.At("models"), "model");
        if (context.ModelNames.Count == 0) errors.Add(reader.Path, "receptive-fields needs an entry in $.models.");
        else if (models.Count is not (1 or 2))
            errors.Add(reader.At("models"), $"name one model, or two of the same architecture to show side by side; {(reader.Get("models") is null ? "the config defines " : "")}{models.Count} {(reader.Get("models") is null ? "models" : "are named")}.");
        var layers = reader.StringList("layers", required: true);

        IReadOnlyList<int>? channels = null;
        if (reader.Get("units") is { } units)
        {
            if (units.ValueKind == JsonValueKind.String && string.Equals(units.GetString(), "all", StringComparison.OrdinalIgnoreCase)) channels = null;
            else if (units.ValueKind == JsonValueKind.Array && units.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _)))
                channels = errors.Collect(() => ReceptiveFieldOptions.CheckChannels(units.EnumerateArray().Select(e => e.GetInt32()).ToList(), reader.At("units")));
            else errors.Add(reader.At("units"), $"expected \"all\" or an array of channel numbers such as [0, 5, 12], found {JsonObjectReader.Describe(units)}.");
        }

        IReadOnlyList<int>? position = null;
        if (reader.Get("position") is { } pos)
        {
            if (pos.ValueKind == JsonValueKind.String && pos.GetString() is "center" or "centre") position = null;
            else if (pos.ValueKind == JsonValueKind.Array && pos.GetArrayLength() == 2 && pos.EnumerateArray().All(e => e.TryGetInt32(out var v) && v >= 0))
                position = pos.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            else errors.Add(reader.At("position"), $"expected \"center\" or [row, column] such as [3, 4], found {JsonObjectReader.Describe(pos)}.");
        }

        var constants = reader.Get("constants") is null ? ReceptiveFieldOptions.DefaultConstants : reader.DoubleList("constants");
        constants = errors.Collect(() => ReceptiveFieldOptions.CheckConstants(constants, reader.At("constants"))) ?? ReceptiveFieldOptions.DefaultConstants;

        var options = new ReceptiveFieldOptions(
            layers,
            channels,
            position,
            constants,
            reader.Enum("bias", BackProjectionBias.None),
            reader.Int("maxTiles", ReceptiveFieldOptions.DefaultMaxTiles, min: 1),
            reader.Bool("validation", true),
            reader.Int("validationFigures", ReceptiveFieldOptions.DefaultValidationFigures, min: 0));
        return new ReceptiveFieldsSettings(models, options, reader.Path);
    }

    public void Run(RunContext context, object settings)
    {
        var s = (ReceptiveFieldsSettings)settings;
        var models = s.Models.Select(name =>
        {
            var session = context.Model(name);
            return session.Model is IBackProjectableModel b
                ? new ReceptiveFieldStudy.StudyModel(name, b)
                : throw new ConfigurationErrorException($"{s.Path}.models",
                    $"model '{name}' (family '{session.Family}') cannot be projected back: receptive fields need a convolutional network opened from an ONNX file.");
        }).ToList();
        var folder = Path.Combine(context.Output.Root, "receptive_fields");
        var layout = new ReceptiveFieldStudy.Layout(
            name => Path.Combine(folder, LayerDescription.MakeSafe(name)),
            context.Output.Figures,
            context.Output.Table("receptive_fields_similarity"));
        long budget = Math.Min(context.Config.MemoryBudgetBytes / 4, MaxSignalMemory);
        var study = new ReceptiveFieldStudy(s.Options, context.Config.Device, budget, context.Config.Extraction, context.Log, context.Cancellation);
        var result = study.Run(models, layout, new ReceptiveFieldStudy.Where($"{s.Path}.models", $"{s.Path}.layers", $"{s.Path}.units", $"{s.Path}.position"));

        foreach (var w in result.Warnings)
        {
            context.Log.LogWarning("{Warning}", w);
            context.Manifest.Warnings.Add("receptive-fields: " + w);
        }
        var files = result.Files.Select(context.Output.Relative).ToList();
        context.Manifest.Outputs.AddRange(files);
        var shown = result.ReportFigures.Select(context.Output.Relative)
            .Concat(files.Where(f => f.EndsWith("/units.csv", StringComparison.Ordinal))).ToList();
        context.Manifest.Analyses.Add(new RunManifest.AnalysisInfo(Kind, Question, result.Statistics, shown, References));
    }
}
