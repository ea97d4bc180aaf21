using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RepLens.Host.Progress;

/// <summary>
/// Progress of long work (images extracted, …) with its rate and the time left. On an interactive
/// terminal: a live Spectre.Console bar on standard error, cleared when the work ends (standard output,
/// which may be piped, is never touched). Otherwise (CI, Slurm logs, output redirected to a file): a
/// plain log line at most every <see cref="Interval"/>, e.g.
/// <c>Model 'resnet18': 24/48 images (50%), 6.7 images/s, about 4 s left</c>.
/// </summary>
/// <remarks>
/// REPLENS_PROGRESS=off|plain|terminal overrides the detection; REPLENS_PROGRESS_INTERVAL (seconds,
/// default 10) sets how often plain lines are written.
/// </remarks>
internal sealed class ProgressReporter
{
    private static int _liveDisplays;
    private readonly ILogger _log;
    private readonly Func<TimeSpan> _clock;

    public ProgressReporter(ILogger log, ProgressMode mode, TimeSpan interval, Func<TimeSpan>? clock = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        _log = log;
        Mode = mode;
        Interval = interval;
        if (clock is null)
        {
            var watch = Stopwatch.StartNew();
            clock = () => watch.Elapsed;
        }
        _clock = clock;
    }

    public ProgressMode Mode { get; }

    /// <summary>The least time between two plain lines.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The reporter for this process: mode and interval from the environment and from whether standard error is a terminal.</summary>
    public static ProgressReporter FromEnvironment(ILogger log)
    {
        var interval = double.TryParse(Environment.GetEnvironmentVariable("REPLENS_PROGRESS_INTERVAL"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0
            ? TimeSpan.FromSeconds(s)
            : TimeSpan.FromSeconds(10);
        return new ProgressReporter(log, DetectMode(Environment.GetEnvironmentVariable("REPLENS_PROGRESS"), Console.IsErrorRedirected,
            Environment.GetEnvironmentVariable("TERM")), interval);
    }

    /// <summary>The mode for a setting (off, plain, terminal; anything else detects) and the state of standard error.</summary>
    public static ProgressMode DetectMode(string? setting, bool errorRedirected, string? term) => setting?.Trim().ToLowerInvariant() switch
    {
        "off" or "0" or "none" => ProgressMode.Off,
        "plain" => ProgressMode.Plain,
        "terminal" => ProgressMode.Terminal,
        _ => errorRedirected || term == "dumb" ? ProgressMode.Plain : ProgressMode.Terminal,
    };

    /// <summary>Starts reporting one piece of work of <paramref name="total"/> items; report the count done, dispose at the end.</summary>
    /// <param name="label">What is being done, e.g. <c>Model 'resnet18'</c>.</param>
    /// <param name="total">How many items in all.</param>
    /// <param name="unit">The item, plural (<c>images</c>).</param>
    public Scope Start(string label, long total, string unit)
    {
        var mode = Mode;
        // One live display at a time (Spectre.Console's rule); a second, concurrent piece of work reports in plain lines.
        if (mode == ProgressMode.Terminal && Interlocked.CompareExchange(ref _liveDisplays, 1, 0) != 0) mode = ProgressMode.Plain;
        return new Scope(this, label, total, unit, mode);
    }

    /// <summary>The line a plain report writes (also what the tests read).</summary>
    public static string Line(string label, long done, long total, string unit, TimeSpan elapsed)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = total > 0
            ? string.Format(inv, "{0}: {1}/{2} {3} ({4:0}%)", label, done, total, unit, 100.0 * done / total)
            : string.Format(inv, "{0}: {1} {2}", label, done, unit);
        if (done <= 0 || elapsed <= TimeSpan.Zero) return text;
        double rate = done / elapsed.TotalSeconds;
        text += string.Format(inv, ", {0} {1}/s", rate >= 10 ? rate.ToString("0", inv) : rate.ToString("0.0", inv), unit);
        if (total > done) text += $", about {Duration(TimeSpan.FromSeconds((total - done) / rate))} left";
        return text;
    }

    private static string Duration(TimeSpan t) =>
        t.TotalSeconds < 60 ? $"{Math.Ceiling(t.TotalSeconds):0} s"
        : t.TotalMinutes < 60 ? $"{(int)t.TotalMinutes} min {t.Seconds:00} s"
        : $"{(int)t.TotalHours} h {t.Minutes:00} min";

    /// <summary>One piece of work being reported.</summary>
    public sealed class Scope : IProgress<int>, IProgress<long>, IDisposable
    {
        private readonly ProgressReporter _owner;
        private readonly string _label;
        private readonly long _total;
        private readonly string _unit;
        private readonly ProgressMode _mode;
        private readonly TimeSpan _started;
        private readonly Task? _live;
        private readonly CancellationTokenSource? _stopLive;
        private TimeSpan _lastLine;
        private long _done;
        private int _disposed;

        internal Scope(ProgressReporter owner, string label, long total, string unit, ProgressMode mode)
        {
            _owner = owner;
            _label = label;
            _total = total;
            _unit = unit;
            _mode = mode;
            _started = _lastLine = owner._clock();
            if (mode == ProgressMode.Terminal)
            {
                _stopLive = new CancellationTokenSource();
                _live = RunLive(_stopLive.Token);
            }
        }

        /// <summary>How many items are done.</summary>
        public long Done => Interlocked.Read(ref _done);

        public void Report(int value) => Report((long)value);

        public void Report(long value)
        {
            Interlocked.Exchange(ref _done, value);
            if (_mode != ProgressMode.Plain) return;
            var now = _owner._clock();
            if (now - _lastLine < _owner.Interval || (value >= _total && _total > 0 && now - _started < _owner.Interval)) return;
            _lastLine = now;
            _owner._log.LogInformation("{Progress}", Line(_label, value, _total, _unit, now - _started));
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            if (_live is null) return;
            _stopLive!.Cancel();
            try { _live.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            _stopLive.Dispose();
            Interlocked.Exchange(ref _liveDisplays, 0);
        }

        private Task RunLive(CancellationToken stop)
        {
            // Standard error is the terminal (DetectMode); Spectre.Console's own detection would look at
            // standard output too, which may be piped to a file.
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(Console.Error),
                Ansi = AnsiSupport.Yes,
                Interactive = InteractionSupport.Yes,
                ColorSystem = ColorSystemSupport.Detect,
            });
            return Task.Run(() => console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(_unit), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(_label), autoStart: true, maxValue: Math.Max(1, _total));
                    while (!stop.IsCancellationRequested)
                    {
                        task.Value = Done;
                        try { await Task.Delay(100, stop); } catch (OperationCanceledException) { }
                    }
                    task.Value = Done;
                }));
        }
    }

    /// <summary>Items per second, in the work's own unit (Spectre's speed column is for bytes).</summary>
    private sealed class RateColumn(string unit) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is double s ? string.Format(CultureInfo.InvariantCulture, "{0:0.0} {1}/s", s, unit) : $"- {unit}/s");
    }
}
