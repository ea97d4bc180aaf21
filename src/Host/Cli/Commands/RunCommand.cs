using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using RepLens.Host.Configuration;
using RepLens.Host.Run;
using RepLens.Host.Sharding;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens run CONFIG [--shard I/N]</c>: the main job, or one shard of it.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("CONFIG") { Description = "The run configuration (JSON). See examples/quickstart/config.json." };
        var shard = new Option<string?>("--shard")
        {
            Description = "Run only shard I of N (I/N, numbered from 0 like Slurm array tasks) into the run's cache; `replens merge` then assembles the results. See `replens plan`.",
            HelpName = "I/N",
        };
        var split = SplitStimuliOption();
        var cmd = new Command("run", "Run the analyses of a config: extract activations, build RDMs, compare, and write tables, RDMs, figures and a manifest to the output folder. Finished work is cached, so a rerun resumes.")
        {
            config, shard, split,
        };
        cmd.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(config)!;
            return CommandRunner.RunAsync(parse, ct, ConfigLoader.PeekPluginFolders(path), (sp, token) =>
            {
                var shardText = parse.GetValue(shard);
                var splitValue = parse.GetValue(split);
                if (shardText is null && splitValue is not null)
                    throw new UserInputException("--split-stimuli goes with --shard (it shapes the shard plan).");
                var loaded = sp.GetRequiredService<ConfigLoader>().Load(path);
                if (shardText is null) sp.GetRequiredService<RunExecutor>().Execute(loaded, token);
                else sp.GetRequiredService<ShardRunner>().Run(loaded, ShardSpec.Parse(shardText, "--shard"), splitValue, token);
                return Task.FromResult(ExitCodes.Success);
            });
        });
        return cmd;
    }

    /// <summary><c>--split-stimuli K</c>, shared by run, plan and slurm.</summary>
    public static Option<int?> SplitStimuliOption() => new("--split-stimuli")
    {
        Description = "Split every layer group into K stimulus ranges (extracted by different shards, concatenated at the merge); 1 never splits. Default: split only groups that would dominate a shard.",
        HelpName = "K",
    };
}
