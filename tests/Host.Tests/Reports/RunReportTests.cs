using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using RepLens.Abstractions.IO;
using RepLens.Host.Tests.Cli;
using RepLens.TestSupport;
using SkiaSharp;
using Xunit;

namespace RepLens.Host.Tests.Reports;

/// <summary>A finished quick-start-like run shared by the report tests.</summary>
public sealed class ReportRunFixture : IDisposable
{
    private readonly TempDir _dir = new("replens-report");

    public ReportRunFixture()
    {
        string Q(string p) => JsonSerializer.Serialize(Path.Combine(Repo.Root, "examples", "quickstart", p));
        Output = _dir.File("run");
        var config = _dir.File("config.json");
        File.WriteAllText(config, $$"""
            { "name": "report-test", "stimuli": {{Q("stimuli.csv")}}, "output": {{JsonSerializer.Serialize(Output)}}, "seed": 3,
              "models": [ { "name": "tiny", "family": "resnet", "onnx": {{Q("models/tiny_cnn.onnx")}}, "layers": ["layer1.0.relu", "layer3.1.relu_1", "avgpool"] } ],
              "targets": [ { "name": "category", "kind": "category" } ],
              "analyses": [ { "kind": "target-rsa", "permutations": 100, "bootstrap": 20 } ] }
            """);
        Result = ReplensProcess.Run(_dir.Path, "run", config);
    }

    public string Output { get; }

    public ReplensProcess.Result Result { get; }

    public void Dispose() => _dir.Dispose();
}

public sealed class RunReportTests(ReportRunFixture run) : IClassFixture<ReportRunFixture>
{
    private string Html()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.ToString());
        return File.ReadAllText(Path.Combine(run.Output, "report.html"));
    }

    [Fact]
    public void Report_HasNoExternalReferences()
    {
        var html = Html();

        Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*""(https?:|//|file:)", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"url\(\s*['""]?(https?:|//)", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("src=\"data:image/png;base64,", html);
    }

    [Fact]
    public void Report_EveryTableCellEqualsTheCsv()
    {
        var html = Html();
        var tables = Regex.Matches(html, @"<table class=""sortable"" data-source=""(?<src>[^""]+)"">(?<body>.*?)</table>", RegexOptions.Singleline);
        Assert.NotEmpty(tables);
        foreach (Match t in tables)
        {
            var csv = CsvTable.Read(Path.Combine(run.Output, t.Groups["src"].Value));
            var rows = Regex.Matches(t.Groups["body"].Value, @"<tr>(?<cells>(?:<td[^>]*>.*?</td>)+)</tr>", RegexOptions.Singleline);
            Assert.Equal(csv.Rows.Count, rows.Count);
            for (int r = 0; r < rows.Count; r++)
            {
                var values = Regex.Matches(rows[r].Groups["cells"].Value, @"data-value=""(?<v>[^""]*)""")
                    .Select(m => System.Net.WebUtility.HtmlDecode(m.Groups["v"].Value)).ToArray();
                Assert.Equal(csv.Rows[r], values);
            }
        }
    }

    [Fact]
    public void Report_RebuiltByTheReportCommand_IsTheSame()
    {
        var before = Html();
        var r = ReplensProcess.Run(run.Output, "report", run.Output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(before, File.ReadAllText(Path.Combine(run.Output, "report.html")));
    }

    [Fact]
    public void Report_OnAFolderThatIsNotARun_IsRefused()
    {
        using var dir = new TempDir();
        var r = ReplensProcess.Run(dir.Path, "report", dir.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not a RepLens run folder", r.StdErr);
        Assert.False(File.Exists(dir.File("report.html")));
    }

    [SkippableFact]
    public void Report_RendersInChromiumWithTheFigure()
    {
        Html();
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        Skip.If(chromium is null, "Debian's chromium is not installed (test.sh installs it where apt-get is available).");
        using var dir = new TempDir();
        var shot = dir.File("shot.png");
        var psi = new ProcessStartInfo(chromium!)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", $"--user-data-dir={dir.File("profile")}", "--window-size=1280,1400",
                     $"--screenshot={shot}", new Uri(Path.Combine(run.Output, "report.html")).AbsoluteUri })
            psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!)
        {
            p.StandardOutput.ReadToEndAsync();
            p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(60_000), "chromium did not finish in 60 s");
        }
        Assert.True(File.Exists(shot), "no screenshot was written");

        using var bitmap = SKBitmap.Decode(shot);
        Assert.Equal(1280, bitmap.Width);
        int figureBlue = 0, distinct = 0;
        var seen = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (seen.Add((uint)c) && seen.Count < 100_000) distinct++;
                // The figure's first line is drawn in Okabe-Ito blue (0, 114, 178).
                if (Math.Abs(c.Red - 0) < 12 && Math.Abs(c.Green - 114) < 12 && Math.Abs(c.Blue - 178) < 12) figureBlue++;
            }
        Assert.True(distinct > 50, $"the screenshot looks blank ({distinct} distinct colours)");
        Assert.True(figureBlue > 50, $"the figure's line is not visible in the screenshot ({figureBlue} pixels)");
    }
}
