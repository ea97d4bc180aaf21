using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using RepLens.Abstractions;
using RepLens.Onnx;
using RepLens.Onnx.Graph;
using RepLens.Onnx.Proto;
using RepLens.Onnx.Tests;
using RepLens.Plugins.ResNet;
using RepLens.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace RepLens.ResNet.Tests;

/// <summary>
/// The built-in <c>resnet18-imagenet</c> (the package Microsoft.ML.DnnImageFeaturizer.ResNet18, referenced by the
/// plugin and by this project, copies its models into this project's output): its layers, and its activations
/// against two independent paths — ML.NET's own <c>DnnFeaturizeImage</c> pipeline and a plain ONNX Runtime
/// session on the package's two models.
/// </summary>
public sealed class ImageNetResNet18Tests(ITestOutputHelper output)
{
    private static readonly string[] Opaque224 = { "face_224.png", "word_224.png", "scene_224.png", "texture_224.png" };

    private static string Image(string name) => Repo.Fixture("resnet18", name);

    private static ModelRequest BuiltIn(PluginOptions? options = null) => new("r18", ImageNetResNet18.Name, null, options ?? PluginOptions.Empty);

    [Fact]
    public void BuiltInModels_ListResnet18ImageNetWithItsOriginAndLicence()
    {
        var info = Assert.Single(new ResNetExtractor().BuiltInModels);
        Assert.Equal("resnet18-imagenet", info.Name);
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1", info.Description);
        Assert.Contains("MIT", info.Description);
        Assert.Contains("ImageNet", info.Description);
    }

    [Fact]
    public void PackageVersion_IsTheOneDirectoryPackagesPropsRestores()
    {
        var props = File.ReadAllText(Path.Combine(Repo.Root, "Directory.Packages.props"));
        var match = Regex.Match(props, $"Include=\"{Regex.Escape(ImageNetResNet18.Package)}\" Version=\"([^\"]+)\"");
        Assert.True(match.Success, "Directory.Packages.props has no version for " + ImageNetResNet18.Package);
        Assert.Equal(ImageNetResNet18.PackageVersion, match.Groups[1].Value);
    }

    [Fact]
    public void Open_BuiltIn_NamesTheLayersAsTorchvisionDoes()
    {
        using var model = new ResNetExtractor().Open(BuiltIn());
        var onnx = Assert.IsType<OnnxLoadedModel>(model);
        Assert.Equal("resnet-structure", onnx.Naming.Id);
        Assert.Equal("CNTK", onnx.ProducerName);
        Assert.Equal((224, 224, 224, 1f), (model.Preprocessing.ResizeShorterSide, model.Preprocessing.CropHeight, model.Preprocessing.CropWidth, model.Preprocessing.PixelScale));
        Assert.Contains("ResNetPreprocess.onnx", model.Preprocessing.Description);

        Assert.Equal(74, model.Layers.Count);
        Assert.Equal(19, model.SelectLayers(new[] { "op:Relu" }).Count);
        Assert.Equal(9, model.SelectLayers(new[] { "layer*.relu_1" }).Count);
        var byName = model.Layers.ToDictionary(l => l.Name);
        Assert.Equal("Convolution249_Output_0", byName["conv1"].NetworkName);
        Assert.Equal(new[] { 64, 112, 112 }, byName["conv1"].Shape);
        Assert.Equal("Pooling255_Output_0", byName["maxpool"].NetworkName);
        Assert.Equal("ReLU289_Output_0", byName["layer2.0.relu"].NetworkName);
        Assert.Equal(("Convolution295_Output_0", LayerKind.Convolution), (byName["layer2.0.downsample.0"].NetworkName, byName["layer2.0.downsample.0"].Kind));
        Assert.Equal(("Plus391_Output_0", LayerKind.Residual), (byName["layer4.2.add"].NetworkName, byName["layer4.2.add"].Kind));
        Assert.Equal("ReLU393_Output_0", byName["layer4.2.relu_1"].NetworkName);
        Assert.Equal(new[] { 512, 1, 1 }, byName["avgpool"].Shape);
        Assert.Equal(LayerKind.Output, byName["avgpool"].Kind);

        // The original names select the same layers.
        Assert.Equal(byName["layer2.0.relu"], Assert.Single(model.SelectLayers(new[] { "ReLU289_Output_0" })));
    }

    [Fact]
    public void Open_ResizeOption_OverridesTheBuiltInPreprocessing()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{ "resize": 256 }""");
        using var model = new ResNetExtractor().Open(BuiltIn(new PluginOptions(doc.RootElement.Clone(), "$.models[0].options", Repo.Root)));
        Assert.Equal((256, 224), (model.Preprocessing.ResizeShorterSide, model.Preprocessing.CropHeight));
        Assert.NotEqual(new ResNetExtractor().Open(BuiltIn()).Fingerprint, model.Fingerprint);
    }

    [Fact]
    public void FindModelFolder_PluginFolderWithoutModels_FallsBackToTheNextFolder()
    {
        using var empty = new TempDir("replens-r18");
        var here = Path.GetDirectoryName(typeof(ImageNetResNet18).Assembly.Location)!;
        Assert.Equal(Path.Combine(here, "DnnImageModels"), ImageNetResNet18.FindModelFolder(new[] { empty.Path, here }));
    }

    [Fact]
    public void FindModelFolder_NoModels_NamesThePackageAndEveryFolderSearched()
    {
        using var a = new TempDir("replens-r18a");
        using var b = new TempDir("replens-r18b");
        var ex = Assert.Throws<FileNotFoundException>(() => ImageNetResNet18.FindModelFolder(new[] { a.Path, b.Path }));
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18", ex.Message);
        Assert.Contains(Path.Combine(a.Path, "DnnImageModels"), ex.Message);
        Assert.Contains(Path.Combine(b.Path, "DnnImageModels"), ex.Message);
    }

    [Fact]
    public void Conformance_BuiltIn_Passes() =>
        ExtractorConformance.Check(new ResNetExtractor(), BuiltIn(), new[] { Image("face_224.png"), Image("scene_300x200.png"), Image("word_224.png") });

    [Fact]
    public void Avgpool_OpaqueImages_MatchesMlNetDnnFeaturizeImage()
    {
        var paths = Opaque224.Select(Image).ToList();
        var expected = MlNetFeatures(paths);
        var actual = RepLensLayers(paths, "avgpool")["avgpool"];
        for (int i = 0; i < paths.Count; i++)
        {
            double error = RelativeError(actual[i], expected[i]);
            output.WriteLine($"{Opaque224[i]}: avgpool max|RepLens − ML.NET| / max|ML.NET| = {error:E2}");
            Assert.True(error <= 1e-4, $"{Opaque224[i]}: relative error {error:E2}");
        }
    }

    [Fact]
    public void Avgpool_ImageThatNeedsResizing_IsCloseToMlNetDespiteItsOtherResampler()
    {
        // ML.NET resamples with SkiaSharp, RepLens as PIL does (antialiased bilinear): the same crop, another filter.
        var paths = new[] { Image("scene_300x200.png") };
        var expected = MlNetFeatures(paths)[0];
        var actual = RepLensLayers(paths, "avgpool")["avgpool"][0];
        double error = RelativeError(actual, expected);
        double cosine = actual.Zip(expected, (x, y) => (double)x * y).Sum()
                        / Math.Sqrt(actual.Sum(x => (double)x * x) * expected.Sum(x => (double)x * x));
        output.WriteLine($"scene_300x200.png: avgpool relative error {error:E2}, cosine similarity {cosine:F6}");
        Assert.True(cosine > 0.99, $"cosine similarity {cosine}");
    }

    [Fact]
    public void IntermediateLayers_MatchADirectOnnxRuntimeSessionOnThePackagesModels()
    {
        string[] layers = { "relu", "layer2.0.relu", "layer3.1.add", "layer4.2.relu_1" };
        var paths = Opaque224.Select(Image).ToList();
        var actual = RepLensLayers(paths, layers);

        var folder = ImageNetResNet18.FindModelFolder();
        using var model = new ResNetExtractor().Open(BuiltIn());
        var valueNames = model.SelectLayers(layers).Select(l => l.NetworkName).ToList();
        var proto = OnnxModelFile.Load(Path.Combine(folder, ImageNetResNet18.NetworkFile));
        foreach (var value in valueNames)
            proto.Graph.Output.Add(new ValueInfoProto { Name = value, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = TensorTypes.Float } } });
        using var network = new InferenceSession(proto.ToByteArray());
        using var prep = new InferenceSession(Path.Combine(folder, ImageNetResNet18.PreprocessFile));

        for (int i = 0; i < paths.Count; i++)
        {
            using var pixels = OrtValue.CreateTensorValueFromMemory(PlanarRgb(paths[i]), new long[] { 1, 3, 224, 224 });
            using var runOptions = new RunOptions();
            using var prepared = prep.Run(runOptions, new[] { "OriginalInput" }, new[] { pixels }, new[] { "PreprocessedInput" });
            using var outputs = network.Run(runOptions, new[] { "Input247" }, new[] { prepared[0] }, valueNames);
            for (int k = 0; k < layers.Length; k++)
            {
                var expected = outputs[k].GetTensorDataAsSpan<float>().ToArray();
                double error = RelativeError(actual[layers[k]][i], expected);
                output.WriteLine($"{Opaque224[i]} {layers[k]} ({valueNames[k]}): relative error {error:E2}");
                Assert.True(error <= 1e-5, $"{Opaque224[i]}, {layers[k]}: relative error {error:E2}");
            }
        }
    }

    /// <summary>avgpool features from ML.NET's sample pipeline for this package (LoadImages, ResizeImages 224, ExtractPixels, DnnFeaturizeImage ResNet18).</summary>
    private static List<float[]> MlNetFeatures(IReadOnlyList<string> paths)
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(paths.Select(p => new ImageRow { ImagePath = p }).ToList());
        var pipeline = ml.Transforms.LoadImages("Image", null, nameof(ImageRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", 224, 224))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image"))
            .Append(ml.Transforms.DnnFeaturizeImage("Features", m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), "Pixels"));
        var transformed = pipeline.Fit(data).Transform(data);
        var result = transformed.GetColumn<float[]>("Features").ToList();
        (transformed as IDisposable)?.Dispose();
        return result;
    }

    private static Dictionary<string, List<float[]>> RepLensLayers(IReadOnlyList<string> paths, params string[] names)
    {
        using var model = new ResNetExtractor().Open(BuiltIn());
        var layers = model.SelectLayers(names);
        var view = model.Extract(OnnxFixtures.Stimuli(paths), layers, ExtractionOptions.Default);
        var columns = OnnxFixtures.ReadColumns(view, layers.Select(l => l.SafeName));
        return layers.ToDictionary(l => l.Name, l => columns[l.SafeName]);
    }

    /// <summary>The image as a 1×3×224×224 RGB plane on the 0–255 scale, decoded by ML.NET's own decoder (SkiaSharp).</summary>
    private static float[] PlanarRgb(string path)
    {
        using var image = MLImage.CreateFromFile(path);
        Assert.Equal((224, 224), (image.Width, image.Height));
        var bytes = image.Pixels;
        bool bgra = image.PixelFormat == MLPixelFormat.Bgra32;
        Assert.True(bgra || image.PixelFormat == MLPixelFormat.Rgba32, $"pixel format {image.PixelFormat}");
        int n = image.Width * image.Height;
        var planes = new float[3 * n];
        for (int i = 0; i < n; i++)
        {
            byte r = bytes[i * 4 + (bgra ? 2 : 0)], g = bytes[i * 4 + 1], b = bytes[i * 4 + (bgra ? 0 : 2)];
            planes[i] = r;
            planes[n + i] = g;
            planes[2 * n + i] = b;
        }
        return planes;
    }

    /// <summary>max|a − b| / max|b|.</summary>
    private static double RelativeError(IReadOnlyList<float> actual, IReadOnlyList<float> expected)
    {
        Assert.Equal(expected.Count, actual.Count);
        double diff = 0, max = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
            max = Math.Max(max, Math.Abs(expected[i]));
        }
        return max == 0 ? diff : diff / max;
    }

    private sealed class ImageRow
    {
        public string ImagePath { get; set; } = "";
    }
}
