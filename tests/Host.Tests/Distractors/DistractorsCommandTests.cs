using System.Globalization;
using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Tests.Cli;
using RepLens.Imaging;
using RepLens.Plugins.Saliency;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Distractors;

/// <summary><c>replens distractors</c> as a subprocess on synthetic inputs whose semantic distances are known.</summary>
public sealed class DistractorsCommandTests : IDisposable
{
    private static readonly string[] Conditions = { "control", "salient", "semantic", "semantic_salient" };

    private readonly TempDir _dir = new("replens-distractors");

    public void Dispose() => _dir.Dispose();

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static int I(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Row(CsvTable t, string[] row) => t.Header.Select((h, i) => (h, row[i])).ToDictionary(x => x.h, x => x.Item2);

    private (DistractorInputsFixture Inputs, string Output, ReplensProcess.Result Result) Build(string name = "out", params string[] more)
    {
        var inputs = new DistractorInputsFixture(_dir.File("inputs"));
        var output = _dir.File(name);
        return (inputs, output, ReplensProcess.Run(_dir.Path, inputs.Args(output, more)));
    }

    [Fact]
    public void Distractors_SyntheticSet_KeptRowsMeetTheThresholdsAndKnownDistances()
    {
        var (inputs, output, r) = Build();

        Assert.True(r.ExitCode == 0, r.ToString());
        var table = CsvTable.Read(Path.Combine(output, "distractors.csv"));
        Assert.Equal(new[] { "target_id", "condition", "distractor_id", "x", "y", "width", "height", "semantic_distance", "saliency_change" }, table.Header.Take(9));
        Assert.Equal(DistractorInputsFixture.TargetIds.Length * 4, table.Rows.Count);
        foreach (var raw in table.Rows)
        {
            var row = Row(table, raw);
            double d = D(row["semantic_distance"]), change = D(row["saliency_change"]);
            Assert.Equal(inputs.Distance(row["distractor_id"]), d, 1e-12);
            bool dissimilar = row["condition"].StartsWith("semantic", StringComparison.Ordinal);
            bool salient = row["condition"].EndsWith("salient", StringComparison.Ordinal);
            Assert.True(dissimilar ? d > 0.92 : d < 0.32, $"{row["target_id"]} {row["condition"]}: semantic distance {d}");
            Assert.True(salient ? change > 0.24 : change < 0.019, $"{row["target_id"]} {row["condition"]}: saliency change {change}");
        }
        Assert.Equal(DistractorInputsFixture.TargetIds.SelectMany(t => Conditions.Select(c => (t, c))),
            table.Rows.Select(x => (x[0], x[1])));

        var stimuli = CsvTable.Read(Path.Combine(output, "stimuli.csv"));
        Assert.Equal(new[] { "id", "path", "category", "captions" }, stimuli.Header.Take(4));
        Assert.Equal(table.Rows.Select(x => x[0] + "__" + x[1]), stimuli.Rows.Select(x => x[0]));
        Assert.All(stimuli.Rows, x => Assert.True(File.Exists(Path.Combine(output, x[1])), x[1]));
        Assert.Equal("cat0", stimuli.Rows[0][2]);
        Assert.Empty(CsvTable.Read(Path.Combine(output, "dropped.csv")).Rows);
        Assert.True(File.Exists(Path.Combine(output, "distributions.png")));
        Assert.True(File.Exists(Path.Combine(output, "distributions.svg")));
        Assert.Empty(Directory.GetFiles(output, "*.tmp-*", SearchOption.AllDirectories));
        Assert.Contains("4 of 4 targets kept", r.StdOut);
    }

    [Fact]
    public void Distractors_EditedImages_TenPercentRectangleAtAnEdgeAndEveryOtherPixelUnchanged()
    {
        var (inputs, output, r) = Build();

        Assert.True(r.ExitCode == 0, r.ToString());
        var table = CsvTable.Read(Path.Combine(output, "distractors.csv"));
        var sizes = new HashSet<(int, int)>();
        foreach (var raw in table.Rows)
        {
            var row = Row(table, raw);
            var baseline = ImageDecoder.Decode(Path.Combine(inputs.Folder, "targets", row["target_id"] + ".png"));
            var edited = ImageDecoder.Decode(Path.Combine(output, "images", $"{row["target_id"]}__{row["condition"]}.png"));
            int x = I(row["x"]), y = I(row["y"]), w = I(row["width"]), h = I(row["height"]);
            int W = baseline.Width, H = baseline.Height;
            sizes.Add((W, H));
            Assert.Equal((W, H), (edited.Width, edited.Height));
            Assert.Equal((W, H), (I(row["target_width"]), I(row["target_height"])));

            // 10% of the area, each side within one pixel of the exact aspect-preserving size.
            var distractor = ImageDecoder.Decode(Path.Combine(inputs.Folder, "pool", row["distractor_id"] + ".png"));
            double area = 0.1 * W * H, aspect = distractor.Width / (double)distractor.Height;
            Assert.InRange(w, Math.Sqrt(area * aspect) - 1, Math.Sqrt(area * aspect) + 1);
            Assert.InRange(h, Math.Sqrt(area / aspect) - 1, Math.Sqrt(area / aspect) + 1);
            Assert.InRange((w - 1.0) * (h - 1.0), 0, area);
            Assert.InRange((w + 1.0) * (h + 1.0), area, double.MaxValue);

            // Inside the image and touching the recorded edge.
            Assert.True(x >= 0 && y >= 0 && x + w <= W && y + h <= H);
            Assert.True(row["edge"] switch { "top" => y == 0, "bottom" => y + h == H, "left" => x == 0, "right" => x + w == W, _ => false }, $"edge {row["edge"]} at ({x}, {y})");

            // Outside: the baseline's pixels; inside: the distractor resized as PIL would.
            var patch = TorchvisionResize.Resize(distractor, w, h, ResizeInterpolation.Bilinear);
            for (int yy = 0; yy < H; yy++)
                for (int xx = 0; xx < W; xx++)
                    for (int c = 0; c < 3; c++)
                    {
                        bool inside = xx >= x && xx < x + w && yy >= y && yy < y + h;
                        byte expected = inside ? patch.Pixels[((yy - y) * w + (xx - x)) * 3 + c] : baseline.Pixels[(yy * W + xx) * 3 + c];
                        if (edited.Pixels[(yy * W + xx) * 3 + c] != expected)
                            Assert.Fail($"{row["target_id"]} {row["condition"]}: pixel ({xx}, {yy}) channel {c} is {edited.Pixels[(yy * W + xx) * 3 + c]}, expected {expected} ({(inside ? "pasted" : "baseline")}).");
                    }
        }
        Assert.Equal(2, sizes.Count);
    }

    [Fact]
    public void Distractors_RecordedSaliencyChange_EqualsTheSaliencyTargetsOwnVectors()
    {
        var (inputs, output, r) = Build();

        Assert.True(r.ExitCode == 0, r.ToString());
        var target = (IImageMapTarget)new IttiKochTarget().Open(new TargetRequest("direct", PluginOptions.Empty));
        var table = CsvTable.Read(Path.Combine(output, "distractors.csv"));
        foreach (var raw in table.Rows)
        {
            var row = Row(table, raw);
            var a = target.ComputeVector(ImageDecoder.Decode(Path.Combine(inputs.Folder, "targets", row["target_id"] + ".png")));
            var b = target.ComputeVector(ImageDecoder.Decode(Path.Combine(output, row["image"])));
            Assert.Equal(224 * 224, a.Length);
            double dot = 0, na = 0, nb = 0;
            for (int i = 0; i < a.Length; i++)
            {
                dot += (double)a[i] * b[i];
                na += (double)a[i] * a[i];
                nb += (double)b[i] * b[i];
            }
            Assert.Equal(1 - dot / Math.Sqrt(na * nb), D(row["saliency_change"]), 1e-12);
        }
        // Every scored edit is in edits.csv, the kept ones marked with their condition.
        var edits = CsvTable.Read(Path.Combine(output, "edits.csv"));
        Assert.Equal(table.Rows.Count, edits.Rows.Count(e => e[^1].Length > 0));
    }

    [Fact]
    public void Distractors_SameSeed_ByteIdenticalOnAnyThreadCount_OtherSeedDiffers()
    {
        var (_, first, r1) = Build("a", "--seed", "7", "--threads", "2");
        var inputs = new DistractorInputsFixture(_dir.File("inputs"));
        var second = _dir.File("b");
        var r2 = ReplensProcess.Run(_dir.Path, inputs.Args(second, "--seed", "7", "--threads", "1"));
        var third = _dir.File("c");
        var r3 = ReplensProcess.Run(_dir.Path, inputs.Args(third, "--seed", "8"));

        Assert.True(r1.ExitCode == 0 && r2.ExitCode == 0 && r3.ExitCode == 0, $"{r1}\n{r2}\n{r3}");
        AssertSameFiles(first, second);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(first, "edits.csv")), File.ReadAllBytes(Path.Combine(third, "edits.csv")));
    }

    [Fact]
    public void Distractors_InterruptedBuild_ResumesToTheSameBytes()
    {
        var (inputs, whole, r) = Build("whole");
        Assert.True(r.ExitCode == 0, r.ToString());

        // An interrupted build: some targets done (records and images), others not, no final tables yet.
        var partial = _dir.File("partial");
        CopyFolder(whole, partial);
        foreach (var t in new[] { "t1", "t3" })
        {
            File.Delete(Path.Combine(partial, "progress", t + ".json"));
            foreach (var c in Conditions.Take(2)) File.Delete(Path.Combine(partial, "images", $"{t}__{c}.png"));
        }
        foreach (var f in new[] { "distractors.csv", "stimuli.csv", "dropped.csv", "edits.csv", "summary.json", "distributions.png", "distributions.svg" })
            File.Delete(Path.Combine(partial, f));
        File.WriteAllText(Path.Combine(partial, "images", "t1__control.png.tmp-1-x"), "half-written");

        var resumed = ReplensProcess.Run(_dir.Path, inputs.Args(partial));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        File.Delete(Path.Combine(partial, "images", "t1__control.png.tmp-1-x"));
        AssertSameFiles(whole, partial);

        // A finished build rerun computes nothing and writes the same bytes.
        var again = ReplensProcess.Run(_dir.Path, inputs.Args(whole));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already built", again.StdOut);
        AssertSameFiles(whole, partial);

        // Other settings into the same folder: refused, nothing changed.
        var other = ReplensProcess.Run(_dir.Path, inputs.Args(whole, "--seed", "3"));
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("seed", other.StdErr);
        AssertSameFiles(whole, partial);
    }

    [Fact]
    public void Distractors_QuantileThresholds_ResolvedOnTheObservedDistributions()
    {
        var (inputs, output, r) = Build("out", "--semantic-similar", "q0.3", "--semantic-dissimilar", "q0.7", "--non-salient", "q0.7", "--salient", "q0.8", "--calibration", "40");

        Assert.True(r.ExitCode == 0, r.ToString());
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement.GetProperty("thresholds");
        var semantic = DistractorInputsFixture.TargetIds.SelectMany(_ => inputs.Angles.Keys.Select(inputs.Distance)).Order().ToArray();
        Assert.Equal("q0.3", summary.GetProperty("semanticSimilar").GetProperty("given").GetString());
        Assert.Equal(NumpyQuantile(semantic, 0.3), summary.GetProperty("semanticSimilar").GetProperty("value").GetDouble(), 1e-12);
        Assert.Equal(NumpyQuantile(semantic, 0.7), summary.GetProperty("semanticDissimilar").GetProperty("value").GetDouble(), 1e-12);
        var calibration = CsvTable.Read(Path.Combine(output, "calibration.csv"));
        Assert.Equal(40, calibration.Rows.Count);
        var changes = calibration.Rows.Select(x => D(x[calibration.ColumnIndex("saliency_change")])).Order().ToArray();
        double nonSalient = summary.GetProperty("nonSalient").GetProperty("value").GetDouble(), salient = summary.GetProperty("salient").GetProperty("value").GetDouble();
        Assert.Equal(NumpyQuantile(changes, 0.7), nonSalient, 1e-12);
        Assert.Equal(NumpyQuantile(changes, 0.8), salient, 1e-12);
        var table = CsvTable.Read(Path.Combine(output, "distractors.csv"));
        foreach (var raw in table.Rows)
        {
            var row = Row(table, raw);
            double change = D(row["saliency_change"]);
            Assert.True(row["condition"].EndsWith("salient", StringComparison.Ordinal) ? change > salient : change < nonSalient);
        }
    }

    [Fact]
    public void Distractors_NoCandidateInRange_ClearReportNonZeroExitNothingWritten()
    {
        var inputs = new DistractorInputsFixture(_dir.File("inputs"), new Dictionary<string, double> { ["mid-flat"] = 60, ["mid-contrast"] = 70, ["near"] = 85 });
        var output = _dir.File("out");

        var r = ReplensProcess.Run(_dir.Path, inputs.Args(output));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("No target can get all four conditions", r.StdErr);
        Assert.Contains("4 of 4 targets have no pool image with semantic distance < 0.32", r.StdErr);
        Assert.Contains("q0.1", r.StdErr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Distractors_TriesSpentForEveryTarget_ReportsWhyAndExitsNonZero()
    {
        var (_, output, r) = Build("out", "--salient", "1.99", "--tries", "5");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("0 of 4 targets kept", r.StdErr);
        Assert.Contains("salient: 4 targets without an edit in the saliency range after all tries (tries-spent)", r.StdErr);
        var dropped = CsvTable.Read(Path.Combine(output, "dropped.csv"));
        Assert.Equal(new[] { "target_id", "condition", "reason", "detail", "tries" }, dropped.Header);
        Assert.All(dropped.Rows, x => Assert.Equal("tries-spent", x[2]));
        Assert.Contains(dropped.Rows, x => x[1] == "salient" && x[3].StartsWith("5 edits", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(output, "distractors.csv")));
        Assert.False(File.Exists(Path.Combine(output, "stimuli.csv")));
        Assert.Empty(Directory.GetFiles(Path.Combine(output, "images")));
    }

    private static double NumpyQuantile(double[] sorted, double q)
    {
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    internal static void AssertSameFiles(string expected, string actual)
    {
        static string[] Files(string root) => Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f)).Where(f => f != "build.json").Order(StringComparer.Ordinal).ToArray();
        var names = Files(expected);
        Assert.Equal(names, Files(actual));
        foreach (var f in names.Where(f => !f.EndsWith(".svg", StringComparison.Ordinal) && !f.EndsWith(".png", StringComparison.Ordinal) || f.StartsWith("images", StringComparison.Ordinal)))
            Assert.True(File.ReadAllBytes(Path.Combine(expected, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, f))), $"{f} differs");
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var f in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(to, Path.GetRelativePath(from, f));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(f, dest);
        }
    }
}
