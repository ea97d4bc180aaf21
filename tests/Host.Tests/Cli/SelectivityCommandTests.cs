using System.Globalization;
using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary><c>replens selectivity</c> as a subprocess against the SciPy/NumPy fixtures of tests/fixtures/selectivity.</summary>
public sealed class SelectivityCommandTests : IDisposable
{
    private static readonly string[] Names = { "faces", "bodies", "scenes", "words", "scrambled-scenes", "scrambled-words" };

    private readonly TempDir _dir = new("replens-selectivity");

    private static string Fixture(string name) => Repo.Fixture("selectivity", name);

    private static double Parse(string s) => s switch
    {
        "" => double.NaN,
        "inf" => double.PositiveInfinity,
        _ => double.Parse(s, CultureInfo.InvariantCulture),
    };

    [Theory]
    [InlineData("student", "bh", 5)]
    [InlineData("welch", "by", 4)]
    public void Selectivity_Fixture_WritesUnitsAndSummaryEqualToScipy(string test, string correction, int row)
    {
        var output = _dir.File("out");

        var r = ReplensProcess.Run(_dir.Path, "selectivity", Fixture("sel_x.npy"), "--labels", Fixture("sel_labels.csv"),
            "--test", test, "--correction", correction, "--shape", "4,10,10", "--out", output);

        Assert.True(r.ExitCode == 0, r.ToString());
        var expected = Npy.ReadFloat64(Fixture($"sel_{test}.npy"));
        int u = expected.Dimension(1);
        double E(int k, int unit) => expected.Data[k * u + unit];
        var units = CsvTable.Read(Path.Combine(output, "units.csv"));
        Assert.Equal(new[] { "unit", "selective_for", "preferred", "t_min", "p_max", "csi" }, units.Header);
        Assert.Equal(u, units.Rows.Count);
        for (int i = 0; i < u; i++)
        {
            var line = units.Rows[i];
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), line[0]);
            int selective = (int)E(row, i), preferred = (int)E(0, i);
            Assert.Equal(selective < 0 ? "" : Names[selective], line[1]);
            Assert.Equal(preferred < 0 ? "" : Names[preferred], line[2]);
            AssertClose(E(1, i), Parse(line[3]), 1e-10);
            AssertClose(E(2, i), Parse(line[4]), 1e-9);
            AssertClose(E(3, i), Parse(line[5]), 1e-12);
        }
        var summary = CsvTable.Read(Path.Combine(output, "summary.csv"));
        Assert.Equal(new[] { "category", "count", "proportion", "mean_csi" }, summary.Header.Take(4));
        Assert.Equal(6, summary.Rows.Count);
        foreach (var line in summary.Rows)
        {
            int g = Array.IndexOf(Names, line[0]);
            int count = Enumerable.Range(0, u).Count(i => (int)E(row, i) == g);
            Assert.Equal(count.ToString(CultureInfo.InvariantCulture), line[1]);
            Assert.Equal(count / (double)u, Parse(line[2]), 15);
            var csi = Enumerable.Range(0, u).Where(i => (int)E(row, i) == g && !double.IsNaN(E(3, i))).Select(i => E(3, i)).ToList();
            AssertClose(csi.Count == 0 ? double.NaN : csi.Average(), Parse(line[3]), 1e-12);
            Assert.NotEqual("", line[summary.ColumnIndex("channel_entropy")]);
        }
    }

    [Fact]
    public void Selectivity_LabelsWithRowColumnInAnyOrder_GiveTheSameUnits()
    {
        var a = ReplensProcess.Run(_dir.Path, "selectivity", Fixture("sel_x.npy"), "--labels", Fixture("sel_labels.csv"), "--out", _dir.File("a"));
        var b = ReplensProcess.Run(_dir.Path, "selectivity", Fixture("sel_x.npy"), "--labels", Fixture("sel_labels_rows.csv"), "--out", _dir.File("b"));

        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a + "\n" + b);
        Assert.Equal(File.ReadAllBytes(_dir.File("a/units.csv")), File.ReadAllBytes(_dir.File("b/units.csv")));
    }

    [Fact]
    public void Selectivity_LabelCountMismatch_ExitsNamingTheFile()
    {
        var labels = _dir.File("short.csv");
        File.WriteAllLines(labels, File.ReadAllLines(Fixture("sel_labels.csv")).SkipLast(1));

        var r = ReplensProcess.Run(_dir.Path, "selectivity", Fixture("sel_x.npy"), "--labels", labels, "--out", _dir.File("o"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{labels}: 67 label lines, but the activations have 68 rows", r.StdErr);
        Assert.False(Directory.Exists(_dir.File("o")));
    }

    [Theory]
    [InlineData("999", "row '999' is not an activation row; rows are 0 … 67")]
    [InlineData("-1", "row '-1' is not an activation row")]
    [InlineData("3", "row 3 is labelled twice")]
    public void Selectivity_BadRowColumn_ExitsNamingTheLine(string replacement, string message)
    {
        var lines = File.ReadAllLines(Fixture("sel_labels_rows.csv"));
        int line = Enumerable.Range(1, lines.Length - 1).First(i => lines[i].Split(',')[0] != "3");
        lines[line] = replacement + lines[line][lines[line].Split(',')[0].Length..];
        var labels = _dir.File("rows.csv");
        File.WriteAllLines(labels, lines);

        var r = ReplensProcess.Run(_dir.Path, "selectivity", Fixture("sel_x.npy"), "--labels", labels, "--out", _dir.File("o"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(labels, r.StdErr);
        Assert.Contains(message, r.StdErr);
    }

    [Fact]
    public void Selectivity_CategoryWithOneImage_ExitsWithAClearMessage()
    {
        var lines = File.ReadAllLines(Fixture("sel_labels.csv"));
        lines[7] = lines[7].Split(',')[0] + ",houses";
        var labels = _dir.File("one.csv");
        File.WriteAllLines(labels, lines);

        var r = ReplensProcess.Run(_dir.Path, "selectivity", Fixture("sel_x.npy"), "--labels", labels, "--out", _dir.File("o"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"'houses' has 1 image ({lines[7].Split(',')[0]})", r.StdErr);
        Assert.Contains("at least 2 images per category", r.StdErr);
    }

    [Fact]
    public void Selectivity_OneCategory_ExitsWithAClearMessage()
    {
        var labels = _dir.File("single.csv");
        File.WriteAllLines(labels, new[] { "category" }.Concat(Enumerable.Repeat("faces", 68)));

        var r = ReplensProcess.Run(_dir.Path, "selectivity", Fixture("sel_x.npy"), "--labels", labels, "--out", _dir.File("o"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("every labelled image is in category 'faces'", r.StdErr);
    }

    [Theory]
    [InlineData("--correction", "fdr", "--correction: 'fdr' is not a valid value; expected one of: bh, by, bonferroni, none.")]
    [InlineData("--test", "paired", "--test: 'paired' is not a valid value; expected one of: welch, student.")]
    [InlineData("--alpha", "0.5", "--alpha: expected a level in (0, 0.5), found 0.5.")]
    [InlineData("--shape", "4,10,11", "--shape: [4, 10, 11] has 440 elements, but the activations have 400 columns.")]
    public void Selectivity_BadOption_ExitsListingWhatIsValid(string option, string value, string message)
    {
        var r = ReplensProcess.Run(_dir.Path, "selectivity", Fixture("sel_x.npy"), "--labels", Fixture("sel_labels.csv"), option, value, "--out", _dir.File("o"));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.StdErr);
    }

    private static void AssertClose(double expected, double actual, double relative)
    {
        if (double.IsNaN(expected) || double.IsInfinity(expected)) { Assert.Equal(expected, actual); return; }
        Assert.True(Math.Abs(expected - actual) <= 1e-13 + relative * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");
    }

    public void Dispose() => _dir.Dispose();
}
