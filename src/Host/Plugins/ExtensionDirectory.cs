using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace RepLens.Host.Plugins;

/// <summary>
/// Finds registered extensions by id, with messages that list what is available (and which plugins
/// were refused) when an id is unknown.
/// </summary>
internal sealed class ExtensionDirectory(IServiceProvider services, PluginCatalog catalog, IEnumerable<ExtensionRegistration> registrations)
{
    private readonly List<ExtensionRegistration> _registrations = registrations.ToList();

    public IReadOnlyList<ExtensionRegistration> Registrations => _registrations;

    public IReadOnlyList<string> Ids(ExtensionKind kind) =>
        _registrations.Where(r => r.Kind == kind).Select(r => r.Id).OrderBy(x => x, StringComparer.Ordinal).ToList();

    public IModelExtractor ModelExtractor(string id, string where) => Get<IModelExtractor>(ExtensionKind.ModelExtractor, id, where);

    public IRepresentationalTarget Target(string id, string where) => Get<IRepresentationalTarget>(ExtensionKind.RepresentationalTarget, id, where);

    public IBrainDataLoader BrainDataLoader(string id, string where) => Get<IBrainDataLoader>(ExtensionKind.BrainDataLoader, id, where);

    /// <summary>The extractor that provides built-in model <paramref name="name"/>, if any.</summary>
    public (string Family, IModelExtractor Extractor)? FindBuiltInModel(string name)
    {
        foreach (var id in Ids(ExtensionKind.ModelExtractor))
        {
            var x = services.GetRequiredKeyedService<IModelExtractor>(id);
            if (x.BuiltInModels.Any(m => string.Equals(m.Name, name, StringComparison.Ordinal))) return (id, x);
        }
        return null;
    }

    public IReadOnlyList<string> BuiltInModelNames() =>
        Ids(ExtensionKind.ModelExtractor)
            .SelectMany(id => services.GetRequiredKeyedService<IModelExtractor>(id).BuiltInModels.Select(m => m.Name))
            .OrderBy(x => x, StringComparer.Ordinal).ToList();

    private T Get<T>(ExtensionKind kind, string id, string where) where T : notnull
    {
        if (_registrations.Any(r => r.Kind == kind && r.Id == id)) return services.GetRequiredKeyedService<T>(id);
        var known = Ids(kind);
        var refused = catalog.Refused.Count == 0 ? "" :
            $" Refused plugins (see `replens plugins`): {string.Join(", ", catalog.Refused.Select(r => r.Name))}.";
        throw new ConfigurationErrorException(where,
            $"no {PluginCatalog.Describe(kind)} '{id}' is registered." +
            (known.Count == 0 ? $" None is available." : $" Available: {string.Join(", ", known)}.") +
            NameSuggestions.DidYouMean(id, known, 3).Replace(" Did you mean", " Nearest") + refused);
    }
}
