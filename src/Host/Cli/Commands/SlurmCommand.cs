using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using RepLens.Host.Configuration;
using RepLens.Host.Run;
using RepLens.Host.Scheduling;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens slurm CONFIG --shards N</c>: a sharded run as a Slurm job array and a dependent merge job.</summary>
internal static class SlurmCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("CONFIG") { Description = "The run configuration (JSON). Its output folder must be on a file system every node shares." };
        var shards = PlanCommand.ShardsOption();
        var split = RunCommand.SplitStimuliOption();
        var partition = new Option<string?>("--partition") { Description = "Slurm partition (sbatch --partition).", HelpName = "P" };
        var time = new Option<string?>("--time") { Description = "Time limit per job (sbatch --time), e.g. 2:00:00.", HelpName = "T" };
        var mem = new Option<string?>("--mem") { Description = "Memory per job (sbatch --mem), e.g. 16G.", HelpName = "M" };
        var cpus = new Option<int?>("--cpus") { Description = "CPUs per job (sbatch --cpus-per-task); also sets OMP_NUM_THREADS.", HelpName = "C" };
        var extra = new Option<string?>("--extra") { Description = "More sbatch options, written as #SBATCH lines, e.g. \"--account=lab --qos=long\".", HelpName = "\"…\"" };
        var only = new Option<string?>("--only") { Description = "Submit only these shards (e.g. 1,3: those that failed) and a new merge.", HelpName = "I,J,…" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only write the scripts (into <output>/slurm/), submit nothing." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the shards and the merge; report failed shards and how to resubmit only those (exit code 1 then)." };
        var timeout = new Option<string?>("--timeout") { Description = "With --wait: stop waiting after this long (e.g. 90m, 12h); the jobs go on.", HelpName = "AGE" };
        var cmd = new Command("slurm", "Run a config sharded on a Slurm cluster: writes an sbatch job-array script (task i = shard i) and a merge script, and submits both at once (the merge with --dependency=afterok on the array).")
        {
            config, shards, split, partition, time, mem, cpus, extra, only, dryRun, wait, timeout,
        };
        cmd.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(config)!;
            return CommandRunner.RunAsync(parse, ct, ConfigLoader.PeekPluginFolders(path), (sp, token) =>
            {
                TimeSpan? limit = null;
                if (parse.GetValue(timeout) is { } t)
                    limit = CacheMaintenance.TryParseAge(t, out var v) ? v : throw new UserInputException($"--timeout: '{t}' is not a duration; expected e.g. 90m or 12h.");
                var loaded = sp.GetRequiredService<ConfigLoader>().Load(path);
                var scheduler = sp.GetServices<IScheduler>().Single(s => s.Name == "slurm");
                var request = new ShardSubmitter.Request(parse.GetValue(shards), parse.GetValue(split), ParseOnly(parse.GetValue(only)),
                    new SchedulerResources(parse.GetValue(partition), parse.GetValue(time), parse.GetValue(mem), parse.GetValue(cpus), parse.GetValue(extra)),
                    parse.GetValue(dryRun), parse.GetValue(wait), limit, parse.GetValue(CommonOptions.Plugins) ?? []);
                return Task.FromResult(sp.GetRequiredService<ShardSubmitter>().Submit(scheduler, loaded, request, Console.Out, token));
            });
        });
        return cmd;
    }

    private static IReadOnlyList<int>? ParseOnly(string? text)
    {
        if (text is null) return null;
        var ids = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            ids.Add(int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : throw new UserInputException($"--only: '{part}' is not a shard number."));
        if (ids.Count == 0) throw new UserInputException("--only: no shard numbers given.");
        return ids.Distinct().Order().ToList();
    }
}
