using RepLens.Plugins.Brain.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Brain.Tests;

public sealed class RoiLabelMappingTests
{
    private static readonly Dictionary<int, string> Prf = new()
    {
        [1] = "V1v", [2] = "V1d", [3] = "V2v", [4] = "V2d", [5] = "V3v", [6] = "V3d", [7] = "hV4",
    };

    private static string F(string name) => Repo.Fixture("brain", "mapping", name);

    [Theory]
    [InlineData("mapping_prf-visualrois.npy")]
    [InlineData("protocol4.npy")]
    [InlineData("mapping_prf-visualrois.csv")]
    [InlineData("mapping_prf-visualrois.json")]
    [InlineData("prf-visualrois.mgz.ctab")]
    public void Read_EveryForm_SameLabelsWithoutUnknown(string file)
    {
        var m = RoiLabelMapping.Read(F(file));
        Assert.Equal(Prf, m.Names);
        Assert.Equal(5, m.LabelOf("V3v"));
        Assert.Null(m.LabelOf("Unknown"));
    }

    [Fact]
    public void ReadIntStringDictionary_NumpyIntegerKeys_Read()
    {
        var d = NumpyPickle.ReadIntStringDictionary(F("numpy_int_keys.npy"));
        Assert.Equal(new Dictionary<int, string> { [1] = "FFA-1", [2] = "FFA-2" }, d);
    }

    [Fact]
    public void ReadIntStringDictionary_PickleNamingOtherGlobal_RefusedNeverExecuted()
    {
        using var dir = new TempDir();
        var cwd = Environment.CurrentDirectory;
        var e = Assert.Throws<InvalidDataException>(() => NumpyPickle.ReadIntStringDictionary(F("evil.npy")));
        Assert.Contains("posix.system", e.Message);
        Assert.Contains("refuses", e.Message);
        Assert.False(File.Exists(Path.Combine(cwd, "pwned")));
    }

    [Theory]
    [InlineData("string_keys.npy", "a key is the string 'V1v'")]
    [InlineData("list.npy", "holds a list of 2, not a dict")]
    [InlineData("object_vector.npy", "expected a 0-d object array")]
    public void ReadIntStringDictionary_OtherShapes_ClearMessage(string file, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => NumpyPickle.ReadIntStringDictionary(F(file)));
        Assert.Contains(F(file), e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains("CSV (label,name)", e.Message);
    }

    [Fact]
    public void ReadIntStringDictionary_NumericNpy_Refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => NumpyPickle.ReadIntStringDictionary(Repo.Fixture("npy", "dtype_float32.npy")));
        Assert.Contains("expected a pickled object array", e.Message);
    }

    [Fact]
    public void ReadIntStringDictionary_TruncatedPickle_Refused()
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(F("mapping_prf-visualrois.npy"));
        var path = dir.File("cut.npy");
        File.WriteAllBytes(path, bytes[..^40]);
        var e = Assert.Throws<InvalidDataException>(() => NumpyPickle.ReadIntStringDictionary(path));
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData("m.csv", "label,name\n1,V1v\n1,V1d\n", "label 1 is listed twice")]
    [InlineData("m.csv", "label,name\n1,V1v\n2,V1v\n", "given to labels 1 and 2")]
    [InlineData("m.csv", "label,name\none,V1v\n", "'one' is not an integer")]
    [InlineData("m.csv", "index,roi\n1,V1v\n", "missing column 'label'")]
    [InlineData("m.csv", "label,name\n0,Unknown\n", "names no ROI")]
    [InlineData("m.json", "[1, 2]", "expected a JSON object")]
    [InlineData("m.json", "{\"x\": \"V1v\"}", "'x' is not an integer label")]
    [InlineData("m.ctab", "1\n", "expected 'label name")]
    [InlineData("m.xml", "<a/>", "unknown ROI mapping format")]
    public void Read_BadPlainMapping_ClearMessage(string name, string content, string expected)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        File.WriteAllText(path, content);
        var e = Assert.Throws<InvalidDataException>(() => RoiLabelMapping.Read(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void WriteCsv_RoundTrips()
    {
        using var dir = new TempDir();
        RoiLabelMapping.WriteCsv(dir.File("m.csv"), Prf);
        Assert.Equal(Prf, RoiLabelMapping.Read(dir.File("m.csv")).Names);
    }
}
