using RepLens.Host.Data;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Data;

public sealed class StimulusTableReaderTests : IDisposable
{
    private readonly TempDir _dir = new("replens-stimuli");

    private string Image(string name)
    {
        var path = _dir.File(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[] { 0x89, 0x50, 0x4E, 0x47 });
        return path;
    }

    [Fact]
    public void Read_Csv_ResolvesPathsAndSplitsCaptions()
    {
        Image("img/a.png");
        Image("img/b.png");
        File.WriteAllText(_dir.File("s.csv"), "id,path,category,captions\nfirst,img/a.png,faces,\"a face, smiling | a round face\"\n,img/b.png,,\n");

        var table = StimulusTableReader.Read(_dir.File("s.csv"));

        Assert.Equal(new[] { "first", "b" }, table.Ids);
        Assert.Equal(_dir.File("img/a.png"), table[0].ImagePath);
        Assert.Equal("faces", table[0].Category);
        Assert.Equal(new[] { "a face, smiling", "a round face" }, table[0].Captions);
        Assert.Null(table[1].Category);
        Assert.Empty(table[1].Captions);
    }

    [Fact]
    public void Read_Folder_UsesSortedFileStemsAsIds()
    {
        Image("f/b.jpg");
        Image("f/a.png");
        File.WriteAllText(_dir.File("f/notes.txt"), "not an image");

        var table = StimulusTableReader.Read(_dir.File("f"));

        Assert.Equal(new[] { "a", "b" }, table.Ids);
    }

    [Fact]
    public void Read_MissingImages_ListsEveryOneWithItsRow()
    {
        Image("a.png");
        File.WriteAllText(_dir.File("s.csv"), "path\na.png\nmissing1.png\nmissing2.png\n");

        var e = Assert.Throws<FileNotFoundException>(() => StimulusTableReader.Read(_dir.File("s.csv")));

        Assert.Contains("2 image files do not exist", e.Message);
        Assert.Contains("row 3: " + _dir.File("missing1.png"), e.Message);
        Assert.Contains("row 4: " + _dir.File("missing2.png"), e.Message);
    }

    [Fact]
    public void Read_DuplicateIds_NamesBothRows()
    {
        Image("a.png");
        Image("b.png");
        File.WriteAllText(_dir.File("s.csv"), "id,path\nx,a.png\nx,b.png\n");

        var e = Assert.Throws<InvalidDataException>(() => StimulusTableReader.Read(_dir.File("s.csv")));

        Assert.Contains("stimulus id 'x' appears more than once (rows 1 and 2)", e.Message);
    }

    [Fact]
    public void Read_NoPathColumn_SaysWhichColumnsExist()
    {
        File.WriteAllText(_dir.File("s.csv"), "id,image\nx,a.png\n");

        var e = Assert.Throws<InvalidDataException>(() => StimulusTableReader.Read(_dir.File("s.csv")));

        Assert.Contains("missing column 'path'", e.Message);
        Assert.Contains("the header has: id, image", e.Message);
    }

    [Fact]
    public void Read_FolderWithoutImages_SaysSo()
    {
        Directory.CreateDirectory(_dir.File("empty"));
        var e = Assert.Throws<InvalidDataException>(() => StimulusTableReader.Read(_dir.File("empty")));
        Assert.Contains("holds no images", e.Message);
    }

    public void Dispose() => _dir.Dispose();
}
