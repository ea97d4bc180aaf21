using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RepLens.Host.Configuration;
using RepLens.Host.Run;
using RepLens.Host.Sharding;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens cache ls|verify|prune</c>: inspect, check and clean the content-addressed cache.</summary>
internal static class CacheCommand
{
    public static Command Create()
    {
        var cmd = new Command("cache", "Inspect, check and clean the content-addressed cache of activations, target vectors and RDMs.");
        cmd.Subcommands.Add(List());
        cmd.Subcommands.Add(Verify());
        cmd.Subcommands.Add(Prune());
        return cmd;
    }

    private static (Option<string?> Cache, Argument<string?> Where) Location() => (
        new Option<string?>("--cache") { Description = "The cache folder.", HelpName = "DIR" },
        new Argument<string?>("RUN_DIR|CONFIG") { Description = "A run folder or a config, whose cache to use (instead of --cache).", Arity = ArgumentArity.ZeroOrOne });

    private static Command List()
    {
        var (cache, where) = Location();
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("ls", "List the cache's entries: kind, key, size, what each is, when it was last used; totals per kind.") { where, cache, json };
        cmd.SetAction((parse, ct) => WithCache(parse, ct, cache, where, root =>
        {
            var scan = CacheMaintenance.Read(root);
            var now = DateTime.UtcNow;
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    root = scan.Root,
                    entries = scan.Entries.Select(e => new { kind = e.Kind, key = e.Key, bytes = e.Bytes, what = e.What, lastUsed = e.LastUsedUtc.ToString("O") }),
                    totals = ArtifactCache.Kinds.Select(k => new { kind = k, entries = scan.Entries.Count(e => e.Kind == k), bytes = scan.Entries.Where(e => e.Kind == k).Sum(e => e.Bytes) }),
                    temporaries = scan.Temporaries.Select(t => new { path = t.Path, bytes = t.Bytes, owner = t.Owner.ToString() }),
                }, new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Success;
            }
            Console.WriteLine($"cache {scan.Root}");
            if (scan.Entries.Count > 0)
            {
                int w = Math.Max(4, scan.Entries.Max(e => e.What.Length));
                Console.WriteLine($"{"kind",-12} {"key",-12}  {"size",10}  {"last used",9}  what");
                foreach (var e in scan.Entries.OrderBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.What, StringComparer.Ordinal))
                    Console.WriteLine($"{e.Kind,-12} {e.Key[..12]}  {ByteSize.Format(e.Bytes),10}  {CacheMaintenance.FormatAge(now - e.LastUsedUtc),9}  {e.What}");
            }
            foreach (var k in ArtifactCache.Kinds)
            {
                var of = scan.Entries.Where(e => e.Kind == k).ToList();
                Console.WriteLine($"{k}: {of.Count} entries, {ByteSize.Format(of.Sum(e => e.Bytes))}");
            }
            if (scan.Temporaries.Count > 0)
                Console.WriteLine($"temporaries: {scan.Temporaries.Count} ({scan.Temporaries.Count(t => t.Owner == ArtifactCache.TemporaryOwner.Running)} of running processes), {ByteSize.Format(scan.Temporaries.Sum(t => t.Bytes))}");
            return ExitCodes.Success;
        }));
        return cmd;
    }

    private static Command Verify()
    {
        var (cache, where) = Location();
        var fix = new Option<bool>("--fix") { Description = "Delete corrupt entries (they are recomputed when next needed), abandoned temporaries and stray sidecars." };
        var cmd = new Command("verify", "Check every entry against its sidecar (size, .npy header, SHA-256) and report corrupt entries and leftovers of interrupted writes; exit code 1 while something corrupt is left.")
        {
            where, cache, fix,
        };
        cmd.SetAction((parse, ct) => WithCache(parse, ct, cache, where, root =>
        {
            var scan = CacheMaintenance.Read(root);
            bool doFix = parse.GetValue(fix);
            var corrupt = CacheMaintenance.Verify(scan);
            foreach (var (e, problem) in corrupt)
            {
                Console.WriteLine($"corrupt: {e.Kind}/{e.Key} ({e.What}): {problem}{(doFix ? " — deleted" : "")}");
                if (doFix) CacheMaintenance.Delete(e);
            }
            var abandoned = scan.Temporaries.Where(t => t.Owner != ArtifactCache.TemporaryOwner.Running).ToList();
            foreach (var t in scan.Temporaries)
            {
                var state = t.Owner switch
                {
                    ArtifactCache.TemporaryOwner.Running => "being written (its process runs, or it is on another machine and recent)",
                    ArtifactCache.TemporaryOwner.ForeignStale => $"abandoned (another machine's, untouched for more than {ArtifactCache.ForeignTemporaryAge.TotalHours:0} h)",
                    _ => "abandoned (its process is gone)",
                };
                Console.WriteLine($"temporary: {t.Path}: {state}{(doFix && t.Owner != ArtifactCache.TemporaryOwner.Running ? " — deleted" : "")}");
                if (doFix && t.Owner != ArtifactCache.TemporaryOwner.Running) File.Delete(t.Path);
            }
            foreach (var o in scan.OrphanSidecars)
            {
                Console.WriteLine($"stray sidecar (its entry was never put in place): {o}{(doFix ? " — deleted" : "")}");
                if (doFix) File.Delete(o);
            }
            Console.WriteLine($"{scan.Entries.Count - corrupt.Count} of {scan.Entries.Count} entries valid, {corrupt.Count} corrupt{(doFix && corrupt.Count > 0 ? " (deleted)" : "")}; " +
                              $"{abandoned.Count} abandoned temporaries, {scan.OrphanSidecars.Count} stray sidecars{(doFix ? " (deleted)" : "")}");
            return corrupt.Count > 0 && !doFix ? ExitCodes.Failure : ExitCodes.Success;
        }));
        return cmd;
    }

    private static Command Prune()
    {
        var (cache, where) = Location();
        var olderThan = new Option<string?>("--older-than") { Description = "Delete entries not used for this long, e.g. 30d, 12h, 2w (default 30d).", HelpName = "AGE" };
        var keep = new Option<string[]>("--keep") { Description = "Keep every entry this run folder used (its manifest and shard markers list them). Repeatable.", HelpName = "RUN_DIR", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Delete every entry (except those of --keep runs)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only print what would be deleted." };
        var cmd = new Command("prune", "Delete cache entries not used recently (or all), except those the --keep runs depend on; also abandoned temporaries and stray sidecars.")
        {
            where, cache, olderThan, keep, all, dryRun,
        };
        cmd.SetAction((parse, ct) => WithCache(parse, ct, cache, where, root =>
        {
            var ageText = parse.GetValue(olderThan);
            if (ageText is not null && parse.GetValue(all)) throw new UserInputException("--all and --older-than exclude each other.");
            TimeSpan age = TimeSpan.FromDays(30);
            if (ageText is not null && !CacheMaintenance.TryParseAge(ageText, out age))
                throw new UserInputException($"--older-than: '{ageText}' is not an age; expected e.g. 30d, 12h, 90m, 2w.");
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var run in parse.GetValue(keep) ?? [])
            {
                kept.UnionWith(CacheMaintenance.EntriesOf(run, out var warning));
                if (warning is not null) Console.Error.WriteLine("warning: " + warning);
            }
            bool dry = parse.GetValue(dryRun);
            var scan = CacheMaintenance.Read(root);
            var now = DateTime.UtcNow;
            var doomed = scan.Entries.Where(e => !kept.Contains($"{e.Kind}/{e.Key}") && (parse.GetValue(all) || now - e.LastUsedUtc > age)).ToList();
            long bytes = 0;
            foreach (var e in doomed)
            {
                Console.WriteLine($"{(dry ? "would delete" : "deleted")} {e.Kind}/{e.Key[..12]} {ByteSize.Format(e.Bytes)} ({e.What}, last used {CacheMaintenance.FormatAge(now - e.LastUsedUtc)} ago)");
                bytes += dry ? e.Bytes : CacheMaintenance.Delete(e);
            }
            var leftovers = scan.Temporaries.Where(t => t.Owner != ArtifactCache.TemporaryOwner.Running).Select(t => t.Path).Concat(scan.OrphanSidecars).ToList();
            if (!dry) foreach (var f in leftovers) File.Delete(f);
            Console.WriteLine($"{(dry ? "would delete" : "deleted")} {doomed.Count} of {scan.Entries.Count} entries ({ByteSize.Format(bytes)}) and {leftovers.Count} leftovers of interrupted writes; " +
                              $"{scan.Entries.Count - doomed.Count} entries kept" + (kept.Count > 0 ? $" ({scan.Entries.Count(e => kept.Contains($"{e.Kind}/{e.Key}"))} by --keep)" : ""));
            return ExitCodes.Success;
        }));
        return cmd;
    }

    private static Task<int> WithCache(ParseResult parse, CancellationToken ct, Option<string?> cache, Argument<string?> where, Func<string, int> body)
    {
        var dir = parse.GetValue(cache);
        var place = parse.GetValue(where);
        if (dir is not null && place is not null)
            return Task.FromResult(CommandRunner.Report(new UserInputException("Give either --cache DIR or a run folder/config, not both."), false));
        var configPath = place is null || dir is not null ? null
            : File.Exists(place) ? place
            : Directory.Exists(place) && !File.Exists(Path.Combine(place, "config.json")) && File.Exists(new ShardFolder(place).PlanPath) ? new ShardFolder(place).ReadPlan().Config
            : null;
        if (configPath is not null)
        {
            return CommandRunner.RunAsync(parse, ct, ConfigLoader.PeekPluginFolders(configPath), (sp, _) =>
                Task.FromResult(body(sp.GetRequiredService<ConfigLoader>().Load(configPath).EffectiveCacheDirectory)));
        }
        return CommandRunner.RunCoreAsync(parse, ct, (_, _) => Task.FromResult(body(dir ?? CacheOfFolder(place))));
    }

    /// <summary>The cache of a run folder (its resolved config says where), or the folder itself if it is a cache.</summary>
    private static string CacheOfFolder(string? folder)
    {
        if (folder is null) throw new UserInputException("Which cache? Give --cache DIR, a run folder or a config.");
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"'{Path.GetFullPath(folder)}' is neither a file nor a folder.");
        var config = Path.Combine(folder, "config.json");
        if (File.Exists(config))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(config));
            if (doc.RootElement.TryGetProperty("cache", out var c) && c.GetString() is { } path) return path;
        }
        if (Directory.Exists(Path.Combine(folder, "cache"))) return Path.Combine(folder, "cache");
        if (ArtifactCache.Kinds.Any(k => Directory.Exists(Path.Combine(folder, k)))) return folder;
        throw new UserInputException($"{Path.GetFullPath(folder)} is not a run folder or a cache (no config.json, no cache/, no {string.Join("/, ", ArtifactCache.Kinds)}/).");
    }
}
