using System.Globalization;

namespace RepLens.Benchmarks;

internal static class Machine
{
    public static string Describe()
    {
        string cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException) { }
        return $"{Environment.ProcessorCount} cores ({cpu}), TorchSharp threads {TorchSharp.torch.get_num_threads()}, load {LoadAverage()}";
    }

    public static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }

    /// <summary>Peak resident set size (VmHWM) and current RSS (VmRSS) of this process, bytes.</summary>
    public static (long Peak, long Current) ResidentSet()
    {
        long peak = 0, current = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kb(line);
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) current = Kb(line);
        }
        return (peak, current);

        static long Kb(string line) => long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    public static string MiB(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) + " MiB";
}
