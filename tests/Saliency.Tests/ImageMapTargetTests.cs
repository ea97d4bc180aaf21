using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Imaging;
using RepLens.Plugins.Saliency;
using RepLens.TestSupport;
using SkiaSharp;
using Xunit;

namespace RepLens.Saliency.Tests;

/// <summary>The itti-koch target as an <see cref="IImageMapTarget"/>: maps of in-memory images, the RDM vector, the alpha policy.</summary>
public class ImageMapTargetTests
{
    private static PluginOptions Options(string json) => new(JsonDocument.Parse(json).RootElement, "$.targets[0].options", Fixtures.Path());

    private static IImageMapTarget IttiKoch(string json = "{}") =>
        Assert.IsAssignableFrom<IImageMapTarget>(new IttiKochTarget().Open(new TargetRequest("s", Options(json))));

    [Fact]
    public void ComputeMap_Image_ModelMapAtImageSize()
    {
        var image = ImageDecoder.Decode(Fixtures.Path("oracle_image.png"));
        var map = IttiKoch().ComputeMap(image);
        Assert.Equal((150, 200), (map.Rows, map.Columns));
        Assert.Equal(new IttiKochSaliency().Compute(image).Data, map.Data);
    }

    [Fact]
    public void ComputeVector_Image_EqualsTheTargetsRdmRow()
    {
        var target = IttiKoch("""{"size": [40, 30], "maxDegreeOfParallelism": 1}""");
        var path = Fixtures.Path("oracle_image.png");
        var rep = target.Compute(new StimulusTable([new Stimulus("o", path, null, [])], "t"), CancellationToken.None);
        using var cursor = rep.Vectors!.GetRowCursor(rep.Vectors.Schema);
        var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(rep.Vectors.Schema[rep.VectorColumn!]);
        Assert.True(cursor.MoveNext());
        Microsoft.ML.Data.VBuffer<float> row = default;
        getter(ref row);
        Assert.Equal(row.DenseValues().ToArray(), target.ComputeVector(ImageDecoder.Decode(path)));
    }

    [Fact]
    public void ComputeVector_Default_224x224Values()
    {
        var image = ImageDecoder.Decode(Fixtures.Path("red_disc.png"));
        var vector = IttiKoch().ComputeVector(image);
        Assert.Equal(new IttiKochSaliency().Compute(image, 224, 224).Data, vector);
    }

    [Fact]
    public void ComputeVector_TransparentImage_AlphaDroppedAsPil()
    {
        // The same colours with and without an alpha channel give the same map: alpha is dropped (PIL's
        // convert("RGB")), not composited over a background.
        using var dir = new TempDir();
        var image = ImageDecoder.Decode(Fixtures.Path("oracle_image.png"));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0; i < image.Width * image.Height; i++)
        {
            rgba[4 * i] = image.Pixels[3 * i];
            rgba[4 * i + 1] = image.Pixels[3 * i + 1];
            rgba[4 * i + 2] = image.Pixels[3 * i + 2];
            rgba[4 * i + 3] = (byte)(i * 37 % 256);
        }
        var transparent = dir.File("transparent.png");
        using (var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul)))
        {
            System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(transparent, data.ToArray());
        }
        var target = IttiKoch();
        Assert.Equal(target.ComputeVector(image), target.ComputeVector(ImageDecoder.Decode(transparent)));
    }

    [Fact]
    public void SaliencyMaps_PrecomputedMaps_NotAnImageMapTarget()
    {
        var configured = new SaliencyMapsTarget().Open(new TargetRequest("m", Options("""{"folder": "maps"}""")));
        Assert.IsNotAssignableFrom<IImageMapTarget>(configured);
    }
}
