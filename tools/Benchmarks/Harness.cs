using System.Diagnostics;
using System.Globalization;

namespace RepLens.Benchmarks;

/// <summary>
/// Interleaved repetitions of several cases, so that the machine's load affects them alike. Records
/// wall time and the process's CPU time (all threads): on a shared machine the CPU time is the more
/// stable measure of work, and CPU time / cores is the wall time on an otherwise idle machine for
/// work that keeps every core busy. Medians reported.
/// </summary>
internal sealed class Harness
{
    private readonly List<(string Name, Action Run)> _cases = [];
    private readonly Dictionary<string, List<double>> _wall = [];
    private readonly Dictionary<string, List<double>> _cpu = [];

    public Harness Add(string name, Action run)
    {
        _cases.Add((name, run));
        _wall[name] = [];
        _cpu[name] = [];
        return this;
    }

    public Harness Run(int repetitions, int warmup = 1)
    {
        for (int w = 0; w < warmup; w++)
            foreach (var (_, run) in _cases) run();
        var process = Process.GetCurrentProcess();
        for (int r = 0; r < repetitions; r++)
            foreach (var (name, run) in _cases)
            {
                GC.Collect();
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                run();
                _wall[name].Add(sw.Elapsed.TotalSeconds);
                process.Refresh();
                _cpu[name].Add((process.TotalProcessorTime - cpu0).TotalSeconds);
            }
        return this;
    }

    public double Median(string name) => MedianOf(_wall[name]);

    public double CpuMedian(string name) => MedianOf(_cpu[name]);

    public double Min(string name) => _wall[name].Min();

    public static double MedianOf(IEnumerable<double> values)
    {
        var s = values.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    public void Print(string baseline)
    {
        Console.WriteLine($"  {"case",-38} {"wall med",9} {"wall min",9} {"cpu med",9}  ratio wall  ratio cpu   (ratio = baseline/case)  wall times");
        foreach (var (name, _) in _cases)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-38} {Median(name),8:F3}s {Min(name),8:F3}s {CpuMedian(name),8:F3}s  {Median(baseline) / Median(name),9:F3}  {CpuMedian(baseline) / CpuMedian(name),9:F3}   [{string.Join(" ", _wall[name].Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))}]"));
    }
}
