using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;
using RepLens.Host.Plugins;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens plugins</c>: what was discovered, what each plugin contributes, and why anything was refused.</summary>
internal static class PluginsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var cmd = new Command("plugins", "List the plugins found (version, contract version, contributions) and every refused plugin with its reason; exit code 2 when any was refused.")
        {
            json,
        };
        cmd.SetAction((parse, ct) => CommandRunner.RunAsync(parse, ct, (sp, _) =>
        {
            var catalog = sp.GetRequiredService<PluginCatalog>();
            var dir = sp.GetRequiredService<ExtensionDirectory>();
            var report = Build(sp, catalog, dir);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            else
                PrintText(report);
            if (report.Refused.Count == 0) return Task.FromResult(ExitCodes.Success);
            // Listed above; the exit code lets scripts and CI notice a plugin that will not load.
            Console.Error.WriteLine($"{report.Refused.Count} plugin(s) refused: {string.Join(", ", report.Refused.Select(r => r.Name))}.");
            return Task.FromResult(ExitCodes.BadInput);
        }));
        return cmd;
    }

    private sealed record ContributionInfo(string Kind, string Id, string Description, IReadOnlyList<string> BuiltInModels);

    private sealed record PluginInfo(string Name, string Version, string ContractVersion, string Folder, string Sha256, string? Citation, IReadOnlyList<ContributionInfo> Contributions);

    private sealed record RefusedInfo(string Name, string Folder, string Reason);

    private sealed record Report(string HostContractVersion, IReadOnlyList<string> SearchedFolders, IReadOnlyList<PluginInfo> Plugins,
        IReadOnlyList<ContributionInfo> BuiltIn, IReadOnlyList<RefusedInfo> Refused);

    private static Report Build(IServiceProvider sp, PluginCatalog catalog, ExtensionDirectory dir)
    {
        ContributionInfo Describe(ExtensionRegistration r)
        {
            string desc;
            IReadOnlyList<string> models = Array.Empty<string>();
            try
            {
                switch (r.Kind)
                {
                    case ExtensionKind.ModelExtractor:
                        var x = sp.GetRequiredKeyedService<IModelExtractor>(r.Id);
                        models = x.BuiltInModels.Select(m => $"{m.Name}: {m.Description}").ToList();
                        desc = "model extractor";
                        break;
                    case ExtensionKind.RepresentationalTarget:
                        desc = sp.GetRequiredKeyedService<IRepresentationalTarget>(r.Id).Description;
                        break;
                    default:
                        desc = sp.GetRequiredKeyedService<IBrainDataLoader>(r.Id).Description;
                        break;
                }
            }
            catch (Exception e)
            {
                desc = $"(could not be created: {e.Message})";
            }
            return new ContributionInfo(PluginCatalog.Describe(r.Kind), r.Id, desc, models);
        }

        var pluginTypes = catalog.Loaded.SelectMany(p => p.Contributions).ToHashSet();
        var builtIn = dir.Registrations.Where(r => !pluginTypes.Contains(r)).Select(Describe).ToList();
        var plugins = catalog.Loaded.Select(p => new PluginInfo(p.Name, p.Version,
            $"{p.ContractVersion.Major}.{p.ContractVersion.Minor}.{Math.Max(0, p.ContractVersion.Build)}", p.Folder, p.Sha256,
            p.Manifest?.Citation, p.Contributions.Select(Describe).ToList())).ToList();
        var v = RepLensContract.Version;
        return new Report($"{v.Major}.{v.Minor}.{Math.Max(0, v.Build)}", catalog.SearchedFolders, plugins, builtIn,
            catalog.Refused.Select(r => new RefusedInfo(r.Name, r.Folder, r.Reason)).ToList());
    }

    private static void PrintText(Report report)
    {
        Console.WriteLine($"RepLens contracts {report.HostContractVersion}; plugin folders searched:");
        foreach (var f in report.SearchedFolders) Console.WriteLine($"  {f}");
        Console.WriteLine();
        Console.WriteLine($"Loaded plugins ({report.Plugins.Count}):");
        foreach (var p in report.Plugins)
        {
            Console.WriteLine($"  {p.Name} {p.Version} (contracts {p.ContractVersion})  {p.Folder}");
            if (p.Citation is not null) Console.WriteLine($"    cite: {p.Citation}");
            PrintContributions(p.Contributions);
        }
        Console.WriteLine();
        Console.WriteLine("Built into replens:");
        PrintContributions(report.BuiltIn);
        if (report.Refused.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"Refused plugins ({report.Refused.Count}):");
            foreach (var r in report.Refused) Console.WriteLine($"  {r.Name}  {r.Folder}{Environment.NewLine}    {r.Reason}");
        }
    }

    private static void PrintContributions(IReadOnlyList<ContributionInfo> contributions)
    {
        foreach (var c in contributions)
        {
            Console.WriteLine($"    {c.Kind} '{c.Id}': {c.Description}");
            foreach (var m in c.BuiltInModels) Console.WriteLine($"      built-in model {m}");
        }
    }
}
