using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RepLens.Host.Plugins;

namespace RepLens.Host.Cli;

/// <summary>
/// Builds the generic host a command runs in: logging to standard error (standard output is kept for
/// command results), the host's own services, and every plugin found in the plugin folders.
/// </summary>
internal static class ReplensHostFactory
{
    public static IHost Build(IEnumerable<string> extraPluginFolders, LogLevel level, bool loadPlugins = true)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Environment.CurrentDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.IncludeScopes = false;
        });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(level);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        builder.Services.AddReplensCore();
        var catalog = new PluginCatalog();
        catalog.AddHostContributions(builder.Services);
        if (loadPlugins) catalog.LoadAll(new[] { PluginCatalog.DefaultFolder }.Concat(extraPluginFolders), builder.Services);
        builder.Services.AddSingleton(catalog);

        var host = builder.Build();
        var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("replens.plugins");
        foreach (var r in catalog.Refused)
            log.LogWarning("Plugin {Name} was refused: {Reason}", r.Name, r.Reason);
        return host;
    }
}
