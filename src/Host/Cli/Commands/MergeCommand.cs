using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using RepLens.Host.Configuration;
using RepLens.Host.Sharding;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens merge RUN_DIR</c>: the results of a sharded run, once every shard has finished.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("RUN_DIR") { Description = "The run folder the shards ran into (the config's output folder)." };
        var config = new Option<string?>("--config") { Description = "The config, if it is no longer where the shards read it (shards/plan.json records the path).", HelpName = "CONFIG" };
        var cmd = new Command("merge", "Check that every shard of a sharded run finished (naming those to rerun), assemble their results and run the analyses and statistics: the run folder then holds what an unsharded run writes.")
        {
            run, config,
        };
        cmd.SetAction((parse, ct) =>
        {
            var folder = new ShardFolder(parse.GetValue(run)!);
            ShardFolder.PlanHeader header;
            try
            {
                header = folder.ReadPlan();
            }
            catch (Exception e)
            {
                return Task.FromResult(CommandRunner.Report(e, parse.GetValue(CommonOptions.Verbose)));
            }
            var path = parse.GetValue(config) ?? header.Config;
            return CommandRunner.RunAsync(parse, ct, ConfigLoader.PeekPluginFolders(path), (sp, token) =>
            {
                var loaded = sp.GetRequiredService<ConfigLoader>().Load(path);
                sp.GetRequiredService<ShardMerger>().Merge(loaded, header, folder, token);
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return cmd;
    }
}
