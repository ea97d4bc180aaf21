using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace RepLens.Abstractions;

/// <summary>
/// Registration helpers for plugins. Each adds an <see cref="ExtensionRegistration"/> and a keyed
/// singleton (key = id) and returns the collection so that calls chain:
/// <c>services.AddModelExtractor&lt;ResNetExtractor&gt;("resnet").AddModelExtractor&lt;...&gt;(...)</c>.
/// </summary>
public static partial class RepLensServiceCollectionExtensions
{
    /// <summary>Registers a model extractor under <paramref name="id"/>.</summary>
    /// <typeparam name="T">The extractor type; created once by the host's service provider.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <param name="id">Lower-case id: letters, digits, '-', '_' and '.'.</param>
    public static IServiceCollection AddModelExtractor<T>(this IServiceCollection services, string id)
        where T : class, IModelExtractor
        => Add<IModelExtractor, T>(services, ExtensionKind.ModelExtractor, id);

    /// <summary>Registers a representational target under <paramref name="id"/>.</summary>
    /// <typeparam name="T">The target type; created once by the host's service provider.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <param name="id">Lower-case id: letters, digits, '-', '_' and '.'.</param>
    public static IServiceCollection AddRepresentationalTarget<T>(this IServiceCollection services, string id)
        where T : class, IRepresentationalTarget
        => Add<IRepresentationalTarget, T>(services, ExtensionKind.RepresentationalTarget, id);

    /// <summary>Registers a brain data loader under <paramref name="id"/>.</summary>
    /// <typeparam name="T">The loader type; created once by the host's service provider.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <param name="id">Lower-case id: letters, digits, '-', '_' and '.'.</param>
    public static IServiceCollection AddBrainDataLoader<T>(this IServiceCollection services, string id)
        where T : class, IBrainDataLoader
        => Add<IBrainDataLoader, T>(services, ExtensionKind.BrainDataLoader, id);

    /// <summary>Whether <paramref name="id"/> is a valid extension id.</summary>
    /// <param name="id">The candidate id.</param>
    public static bool IsValidId(string id) => id is not null && IdPattern().IsMatch(id);

    private static IServiceCollection Add<TService, TImpl>(IServiceCollection services, ExtensionKind kind, string id)
        where TService : class
        where TImpl : class, TService
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!IsValidId(id))
            throw new ArgumentException(
                $"'{id}' is not a valid {kind} id: use lower-case letters, digits, '-', '_' or '.', starting with a letter.", nameof(id));
        services.AddSingleton(new ExtensionRegistration(kind, id, typeof(TImpl)));
        services.AddKeyedSingleton<TService, TImpl>(id);
        return services;
    }

    [GeneratedRegex("^[a-z][a-z0-9._-]*$")]
    private static partial Regex IdPattern();
}
