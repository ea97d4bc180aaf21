using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RepLens.Host.Configuration;
using RepLens.Host.Run;
using RepLens.Host.Sharding;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens plan CONFIG --shards N</c>: what each shard of a sharded run would do.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("CONFIG") { Description = "The run configuration (JSON)." };
        var shards = ShardsOption();
        var split = RunCommand.SplitStimuliOption();
        var json = new Option<bool>("--json") { Description = "Print the plan as JSON (what shards/plan.json holds)." };
        var cmd = new Command("plan", "Print the shard plan of a config: the work units (model, layer group, stimulus range; targets), their estimated cost, and which shard does each.")
        {
            config, shards, split, json,
        };
        cmd.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(config)!;
            return CommandRunner.RunAsync(parse, ct, ConfigLoader.PeekPluginFolders(path), (sp, _) =>
            {
                var loaded = sp.GetRequiredService<ConfigLoader>().Load(path);
                using var inputs = sp.GetRequiredService<RunExecutor>().Open(loaded);
                var plan = ShardPlanner.Plan(inputs, sp.GetRequiredService<IReadOnlyList<IAnalysisKind>>(), parse.GetValue(shards), parse.GetValue(split));
                Console.Write(parse.GetValue(json)
                    ? plan.ToJson(loaded.ConfigPath, ContentHash.OfFile(loaded.ConfigPath)).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine
                    : plan.Describe());
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return cmd;
    }

    /// <summary><c>--shards N</c> (required), shared by plan and slurm.</summary>
    public static Option<int> ShardsOption()
    {
        var o = new Option<int>("--shards") { Description = "Number of shards N (numbered 0 … N − 1).", Required = true, HelpName = "N" };
        o.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--shards must be at least 1.");
        });
        return o;
    }
}
