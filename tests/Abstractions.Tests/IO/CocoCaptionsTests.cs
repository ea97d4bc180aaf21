using System.Text;
using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Abstractions.Tests.IO;

public class CocoCaptionsTests
{
    [Fact]
    public void Read_CaptionFile_ImagesInFileOrderWithTheirCaptions()
    {
        var images = CocoCaptions.Read(Repo.Fixture("semantics", "coco_captions.json"));
        Assert.Equal([724L, 139, 9999, 285, 632], images.Select(i => i.Id));
        Assert.Equal("000000000139.jpg", images[1].FileName);
        Assert.Equal(["A woman stands in the dining area at the table.", "A room with chairs, a table, and a woman in it.", "A woman standing in a kitchen by a window"], images[1].Captions);
        Assert.Empty(images[2].Captions);
    }

    [Fact]
    public void Read_AnnotationOfAnUnknownImage_NamesTheAnnotationAndTheImageId()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("c.json"), """
            { "images": [ { "id": 1, "file_name": "a.jpg" } ],
              "annotations": [ { "id": 10, "image_id": 1, "caption": "a dog" }, { "id": 11, "image_id": 42, "caption": "a cat" } ] }
            """);
        var e = Assert.Throws<InvalidDataException>(() => CocoCaptions.Read(dir.File("c.json")));
        Assert.Contains("annotations[1] (id 11) → image_id 42", e.Message);
        Assert.Contains(dir.File("c.json"), e.Message);
    }

    [Fact]
    public void Read_EmptyCaption_NamesTheImage()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("c.json"), """{ "images": [ { "id": 5, "file_name": "a.jpg" } ], "annotations": [ { "id": 3, "image_id": 5, "caption": "  " } ] }""");
        var e = Assert.Throws<InvalidDataException>(() => CocoCaptions.Read(dir.File("c.json")));
        Assert.Contains("image 5 has an empty caption", e.Message);
    }

    [Fact]
    public void Read_Latin1File_SaysItIsNotUtf8()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("c.json"), Encoding.Latin1.GetBytes("""{ "images": [ { "id": 5, "file_name": "a.jpg" } ], "annotations": [ { "id": 3, "image_id": 5, "caption": "un café" } ] }"""));
        var e = Assert.Throws<InvalidDataException>(() => CocoCaptions.Read(dir.File("c.json")));
        Assert.Contains("not UTF-8", e.Message);
        Assert.Contains("0xE9", e.Message);
        Assert.Contains("c.json", e.Message);
    }

    [Theory]
    [InlineData("""{ "images": [] }""", "missing 'annotations'")]
    [InlineData("""{ "images": [ { "file_name": "a.jpg" } ], "annotations": [] }""", "images[0]: missing or non-integer 'id'")]
    [InlineData("""{ "images": [ { "id": 1 }, { "id": 1 } ], "annotations": [] }""", "image id 1 appears twice")]
    [InlineData("""{ "images": [ { "id": 1 } ], "annotations": [ { "image_id": 1 } ] }""", "missing 'caption'")]
    [InlineData("""{ "images": [ ] , "annotations": [ """, "not valid JSON")]
    public void Read_MalformedFile_SaysWhatIsWrong(string json, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("c.json"), json);
        var e = Assert.Throws<InvalidDataException>(() => CocoCaptions.Read(dir.File("c.json")));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_MissingFile_Throws() =>
        Assert.Throws<FileNotFoundException>(() => CocoCaptions.Read("/nonexistent/captions.json"));
}
