using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace RepLens.Host.Tests.Slurm;

/// <summary>
/// A one-node Slurm cluster started from Debian's packages for the tests of <c>replens slurm</c>:
/// slurmctld and slurmd on free local ports with their state, spool, logs and pid files in a folder of
/// their own, <c>auth/none</c> (no munge), and <c>MinJobAge=5</c> so that <c>--wait</c> is quick.
/// Stopped by the PIDs it wrote, after cancelling any job left. <see cref="SkipReason"/> says why
/// there is no cluster when Slurm is not installed (test.sh installs it when it runs as root).
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    private static readonly string[] Tools = ["slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scancel"];
    private readonly Dictionary<string, string> _tools = new();
    private readonly string? _base;

    public SlurmCluster()
    {
        foreach (var tool in Tools)
            if (Which(tool) is { } path) _tools[tool] = path;
        var missing = Tools.Where(t => !_tools.ContainsKey(t)).ToList();
        if (missing.Count > 0)
        {
            SkipReason = $"Slurm is not installed ({string.Join(", ", missing)} not found). Install it with apt-get install --no-install-recommends slurmctld slurmd slurm-client; test.sh does so when it runs as root.";
            return;
        }
        if (System.Environment.UserName != "root")
        {
            SkipReason = "The test cluster's slurmd must run as root (it starts jobs as their user); these tests run as " + System.Environment.UserName + ".";
            return;
        }
        _base = Path.Combine(Path.GetTempPath(), $"replens-slurm-{Guid.NewGuid():N}"[..28]);
        Directory.CreateDirectory(Path.Combine(_base, "state"));
        Directory.CreateDirectory(Path.Combine(_base, "spool"));
        ConfigPath = Path.Combine(_base, "slurm.conf");
        try
        {
            File.WriteAllText(ConfigPath, Config(_base, FreePort(), FreePort(), NodeLine()));
            Daemon("slurmctld", "-f", ConfigPath);
            Daemon("slurmd", "-f", ConfigPath, "-N", "localhost");
            var clock = Stopwatch.StartNew();
            string state = "";
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                state = Tool("sinfo", "-h", "-o", "%t").StdOut.Trim();
                if (state == "idle") return;
                Thread.Sleep(100);
            }
            throw new InvalidOperationException($"The test Slurm node is not idle after 30 s (sinfo says '{state}').\n{Logs()}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Why there is no cluster; null when it runs.</summary>
    public string? SkipReason { get; }

    /// <summary>The cluster's slurm.conf.</summary>
    public string ConfigPath { get; } = "";

    /// <summary>The environment Slurm clients (and replens, which calls them) need: SLURM_CONF.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string> { ["SLURM_CONF"] = ConfigPath };

    /// <summary>The daemons' logs, for failure messages.</summary>
    public string Logs()
    {
        if (_base is null) return "";
        var text = new StringBuilder();
        foreach (var log in new[] { "slurmctld.log", "slurmd.log" }.Select(l => Path.Combine(_base, l)).Where(File.Exists))
            text.Append($"--- {Path.GetFileName(log)} (last lines)\n").AppendJoin('\n', File.ReadAllLines(log).TakeLast(15)).Append('\n');
        return text.ToString();
    }

    public (int ExitCode, string StdOut, string StdErr) Tool(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(_tools[tool]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SLURM_CONF"] = ConfigPath;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish in 30 s.");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose()
    {
        if (_base is null) return;
        try
        {
            // Cancel whatever is left (bounded), then stop the daemons this fixture started, by PID.
            if (File.Exists(ConfigPath) && File.Exists(Path.Combine(_base, "slurmctld.pid")))
            {
                var jobs = Tool("squeue", "-h", "-o", "%A").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
                if (jobs.Length > 0) Tool("scancel", jobs);
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < TimeSpan.FromSeconds(20) && Tool("squeue", "-h").StdOut.Trim().Length > 0) Thread.Sleep(200);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
        }
        finally
        {
            Stop(Path.Combine(_base, "slurmd.pid"));
            Stop(Path.Combine(_base, "slurmctld.pid"));
            try { Directory.Delete(_base, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private void Daemon(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(_tools[tool]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SLURM_CONF"] = ConfigPath;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        // The daemon forks and its first process exits; the pid file names the daemon.
        if (!p.WaitForExit(TimeSpan.FromSeconds(20))) throw new TimeoutException($"{tool} did not daemonize in 20 s.");
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed (exit {p.ExitCode}): {stderr.Result}\n{Logs()}");
        var pid = Path.Combine(_base!, tool + ".pid");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(pid) && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(50);
        if (!File.Exists(pid)) throw new InvalidOperationException($"{tool} wrote no pid file in 10 s.\n{Logs()}");
    }

    private static void Stop(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) return;
        Signal(pid, "TERM");
        var clock = Stopwatch.StartNew();
        while (Alive(pid) && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(100);
        if (Alive(pid)) Signal(pid, "KILL");
    }

    private static void Signal(int pid, string signal)
    {
        using var p = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid}") { UseShellExecute = false, RedirectStandardError = true })!;
        p.WaitForExit(5000);
    }

    private static bool Alive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string NodeLine()
    {
        var psi = new ProcessStartInfo(_tools["slurmd"], "-C") { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var line = p.StandardOutput.ReadLine() ?? throw new InvalidOperationException("slurmd -C printed nothing.");
        p.WaitForExit(10_000);
        // "NodeName=vm CPUs=2 …": the node is localhost at 127.0.0.1.
        var rest = line[(line.IndexOf(' ') + 1)..];
        return $"NodeName=localhost NodeAddr=127.0.0.1 {rest}";
    }

    private static string Config(string b, int controllerPort, int nodePort, string node) => $"""
        ClusterName=replenstest
        SlurmctldHost=localhost
        SlurmctldPort={controllerPort}
        SlurmdPort={nodePort}
        SlurmUser=root
        AuthType=auth/none
        CredType=cred/none
        ProctrackType=proctrack/linuxproc
        TaskPlugin=task/none
        SelectType=select/cons_tres
        SelectTypeParameters=CR_Core
        JobAcctGatherType=jobacct_gather/none
        AccountingStorageType=accounting_storage/none
        StateSaveLocation={b}/state
        SlurmdSpoolDir={b}/spool
        SlurmctldPidFile={b}/slurmctld.pid
        SlurmdPidFile={b}/slurmd.pid
        SlurmctldLogFile={b}/slurmctld.log
        SlurmdLogFile={b}/slurmd.log
        MailProg=/bin/true
        SlurmdParameters=config_overrides
        DependencyParameters=kill_invalid_depend
        MinJobAge=5
        ReturnToService=2
        {node}
        PartitionName=main Nodes=localhost Default=YES MaxTime=INFINITE State=UP

        """;

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string? Which(string tool) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"])
            .Where(d => d.Length > 0).Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
}

/// <summary>Slurm tests share one cluster and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SlurmCollection : ICollectionFixture<SlurmCluster>
{
    public const string Name = "slurm";
}
