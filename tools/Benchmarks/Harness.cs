using System.Diagnostics;
using System.Globalization;

namespace RepLens.Benchmarks;

/// <summary>Interleaved repetitions of several cases, so that the machine's load affects them alike; medians reported.</summary>
internal sealed class Harness
{
    private readonly List<(string Name, Action Run)> _cases = [];
    private readonly Dictionary<string, List<double>> _times = [];

    public Harness Add(string name, Action run)
    {
        _cases.Add((name, run));
        _times[name] = [];
        return this;
    }

    public Harness Run(int repetitions, int warmup = 1)
    {
        for (int w = 0; w < warmup; w++)
            foreach (var (_, run) in _cases) run();
        for (int r = 0; r < repetitions; r++)
            foreach (var (name, run) in _cases)
            {
                var sw = Stopwatch.StartNew();
                run();
                _times[name].Add(sw.Elapsed.TotalSeconds);
            }
        return this;
    }

    public double Median(string name) => MedianOf(_times[name]);

    public double Min(string name) => _times[name].Min();

    public IReadOnlyList<double> Times(string name) => _times[name];

    public static double MedianOf(IEnumerable<double> values)
    {
        var s = values.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    public void Print(string baseline, string unit = "s")
    {
        Console.WriteLine($"  {"case",-34} {"median",9} {"min",9}  ratio (baseline/case, median)  all");
        foreach (var (name, _) in _cases)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-34} {Median(name),8:F3}{unit} {Min(name),8:F3}{unit}  {Median(baseline) / Median(name),6:F3}   [{string.Join(" ", _times[name].Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))}]"));
    }
}
