using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Abstractions.Tests.IO;

public sealed class CsvTableTests
{
    [Fact]
    public void Parse_QuotedFieldsWithCommasQuotesAndNewlines_RoundTrip()
    {
        var t = CsvTable.Parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",2\n", "t.csv");

        Assert.Equal(new[] { "a", "b" }, t.Header);
        Assert.Equal(new[] { "x, y", "say \"hi\"" }, t.Rows[0]);
        Assert.Equal(new[] { "multi\nline", "2" }, t.Rows[1]);
    }

    [Fact]
    public void Parse_RowWithWrongFieldCount_NamesTheLine()
    {
        var e = Assert.Throws<InvalidDataException>(() => CsvTable.Parse("a,b\n1,2\n3\n", "t.csv"));
        Assert.Equal("t.csv, line 3: 1 fields, but the header has 2 (a, b).", e.Message);
    }

    [Fact]
    public void Parse_UnclosedQuote_NamesTheLine()
    {
        var e = Assert.Throws<InvalidDataException>(() => CsvTable.Parse("a\n\"open\n", "t.csv"));
        Assert.Contains("line 2 is never closed", e.Message);
    }

    [Fact]
    public void Read_NonUtf8File_IsRefused()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("latin1.csv"), new byte[] { (byte)'a', (byte)'\n', 0xE9, (byte)'\n' });
        var e = Assert.Throws<InvalidDataException>(() => CsvTable.Read(dir.File("latin1.csv")));
        Assert.Contains("not UTF-8", e.Message);
    }

    [Fact]
    public void Write_ThenRead_GivesTheSameFields()
    {
        using var dir = new TempDir();
        var rows = new[] { new[] { "1", "a, b" }, new[] { "2", " padded " }, new[] { "3", "q\"uote" } };
        CsvTable.Write(dir.File("o.csv"), new[] { "k", "v" }, rows);

        var t = CsvTable.Read(dir.File("o.csv"));

        Assert.Equal(rows, t.Rows);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp-*"));
    }

    [Fact]
    public void RequireColumn_Missing_ListsTheHeader()
    {
        var t = CsvTable.Parse("id,image\n", "s.csv");
        var e = Assert.Throws<InvalidDataException>(() => t.RequireColumn("path", "the image"));
        Assert.Equal("s.csv: missing column 'path' (the image); the header has: id, image.", e.Message);
    }
}
