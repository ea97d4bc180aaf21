using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Host.Configuration;
using RepLens.Host.Plugins;

namespace RepLens.Host.Run;

/// <summary>
/// Opens a model the way configs and commands name it — a built-in model, or a model file of an
/// extractor family — and selects its layers. Every problem is a <see cref="ConfigurationErrorException"/>
/// whose path says where it came from (a JSON path or a command-line option).
/// </summary>
internal sealed class ModelOpener(ExtensionDirectory extensions, ILogger<ModelOpener> log)
{
    public ModelSession Open(ModelConfig m, string familyWhere, string modelWhere, string layersWhere)
    {
        string family;
        if (m.BuiltIn is not null)
        {
            var found = extensions.FindBuiltInModel(m.BuiltIn);
            if (found is null)
            {
                var names = extensions.BuiltInModelNames();
                throw new ConfigurationErrorException(modelWhere, $"no built-in model '{m.BuiltIn}'." +
                    (names.Count == 0 ? " No loaded plugin provides built-in models." : $" Available: {string.Join(", ", names)}."));
            }
            family = found.Value.Family;
            if (m.Family is not null && m.Family != family)
                throw new ConfigurationErrorException(familyWhere, $"built-in model '{m.BuiltIn}' belongs to family '{family}', not '{m.Family}'.");
        }
        else
        {
            family = m.Family ?? throw new ConfigurationErrorException(familyWhere, "which extractor family reads this model file (e.g. resnet, vit, clip)?");
        }
        var extractor = extensions.ModelExtractor(family, familyWhere);
        ILoadedModel loaded;
        try
        {
            loaded = extractor.Open(new ModelRequest(m.Name, m.BuiltIn, m.ModelPath, m.Options));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or ArgumentException
                                  && e is not ConfigurationErrorException)
        {
            throw new ConfigurationErrorException(m.BuiltIn is null ? modelWhere : familyWhere, e.Message);
        }
        try
        {
            var layers = loaded.SelectLayers(m.Layers);
            if (layers.Count == 0) throw new ArgumentException($"the selectors [{string.Join(", ", m.Layers)}] match no layer.");
            log.LogInformation("Model {Model} ({Family}): {Count} of {Total} layers selected", m.Name, family, layers.Count, loaded.Layers.Count);
            return new ModelSession(m, family, loaded, layers);
        }
        catch (ArgumentException e)
        {
            loaded.Dispose();
            var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new ConfigurationErrorException(layersWhere, message);
        }
    }
}
