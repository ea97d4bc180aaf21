using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using RepLens.Host.Configuration;
using RepLens.Host.Run;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens run CONFIG</c>: the main job.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("CONFIG") { Description = "The run configuration (JSON). See examples/quickstart/config.json." };
        var cmd = new Command("run", "Run the analyses of a config: extract activations, build RDMs, compare, and write tables, RDMs, figures and a manifest to the output folder. Finished work is cached, so a rerun resumes.")
        {
            config,
        };
        cmd.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(config)!;
            return CommandRunner.RunAsync(parse, ct, ConfigLoader.PeekPluginFolders(path), (sp, token) =>
            {
                var loaded = sp.GetRequiredService<ConfigLoader>().Load(path);
                sp.GetRequiredService<RunExecutor>().Execute(loaded, token);
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return cmd;
    }
}
