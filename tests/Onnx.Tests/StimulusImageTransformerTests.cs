using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions;
using RepLens.Onnx.Images;
using RepLens.Imaging;
using Xunit;
using static RepLens.Onnx.Tests.OnnxFixtures;

namespace RepLens.Onnx.Tests;

public class StimulusImageTransformerTests
{
    private static readonly Preprocessing Small = Preprocessing.ImageNet with { ResizeShorterSide = 40, CropHeight = 32, CropWidth = 32 };

    private static List<byte[]?> Read(IDataView view, Func<long, bool> wanted)
    {
        var column = view.Schema["image"];
        var result = new List<byte[]?>();
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<MLImage>(column);
        while (cursor.MoveNext())
        {
            if (!wanted(cursor.Position))
            {
                result.Add(null);
                continue;
            }
            MLImage image = null!;
            getter(ref image);
            result.Add(image.Pixels.ToArray());
        }
        return result;
    }

    private static IDataView Transform(IReadOnlyList<string> images, int prefetch)
    {
        var data = FixtureStimuli(images);
        return new MLContext().Transforms.LoadStimulusImages("image", StimulusColumns.ImagePath, Small, prefetch).Fit(data).Transform(data);
    }

    [Fact]
    public void Prefetch_GivesTheSameImagesAsLoadingOneByOne_AlsoWhenRowsAreSkipped()
    {
        var images = ImageNames;
        var direct = Read(Transform(images, 0), _ => true);
        var prefetched = Read(Transform(images, 2), _ => true);
        var skipping = Read(Transform(images, 3), p => p % 3 != 1);
        Assert.Equal(images.Count, direct.Count);
        for (int i = 0; i < images.Count; i++)
        {
            var expected = TorchvisionResize.ResizeAndCenterCrop(ImageDecoder.Decode(Image(images[i])), 40, 32, 32, ResizeInterpolation.Bilinear).Pixels;
            Assert.Equal(expected, direct[i]!.Where((_, k) => k % 4 != 3).ToArray());
            Assert.Equal(direct[i], prefetched[i]);
            if (i % 3 != 1) Assert.Equal(direct[i], skipping[i]);
        }
    }

    [Fact]
    public void BadImage_FailsAtItsOwnRowNamingTheFile()
    {
        var view = Transform(new[] { "gray.png", "scene_small.png", "broken_text.png", "rgba.png" }, 2);
        var column = view.Schema["image"];
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<MLImage>(column);
        MLImage image = null!;
        Assert.True(cursor.MoveNext());
        getter(ref image);
        Assert.True(cursor.MoveNext());
        getter(ref image);
        Assert.Equal(32, image.Width);
        Assert.True(cursor.MoveNext());
        var ex = Assert.Throws<InvalidDataException>(() => getter(ref image));
        Assert.Contains(Image("broken_text.png"), ex.Message);
    }

    [Fact]
    public void Schema_HasAnImageColumnOfTheCropSize()
    {
        var view = Transform(new[] { "gray.png" }, 1);
        var type = Assert.IsType<Microsoft.ML.Transforms.Image.ImageDataViewType>(view.Schema["image"].Type);
        Assert.Equal((32, 32), (type.Height, type.Width));
        // ML.NET keeps SchemaShape.Create internal; reach it the way ML.NET's own chains do.
        var create = typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!;
        var input = (SchemaShape)create.Invoke(null, new object[] { FixtureStimuli(new[] { "gray.png" }).Schema })!;
        var shape = new MLContext().Transforms.LoadStimulusImages("image", StimulusColumns.ImagePath, Small).GetOutputSchema(input);
        var image = Assert.Single(shape, c => c.Name == "image");
        Assert.IsType<Microsoft.ML.Transforms.Image.ImageDataViewType>(image.ItemType);
    }

    [Fact]
    public void MissingPathColumn_ThrowsNamingIt()
    {
        var data = new MLContext().Data.LoadFromEnumerable(new[] { new { Id = "a" } }.Select(x => new IdRow { Id = x.Id }));
        var ex = Assert.Throws<ArgumentException>(() => new MLContext().Transforms.LoadStimulusImages("image", StimulusColumns.ImagePath, Small).Fit(data));
        Assert.Contains("'ImagePath'", ex.Message);
    }

    private sealed class IdRow
    {
        public string Id { get; set; } = "";
    }
}
