using System.Text.Json;
using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Cli;

/// <summary>
/// The built-in <c>resnet18-imagenet</c> through the built host, as users run it: the ResNet plugin copied to
/// plugins/ResNet/ by the host's build must find the package's models there (or next to the host).
/// </summary>
public sealed class BuiltInModelTests : IDisposable
{
    private readonly TempDir _dir = new("replens-builtin");

    [Fact]
    public void Plugins_ListsResnet18ImageNetWithItsLicence()
    {
        var r = ReplensProcess.Run(_dir.Path, "plugins");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("built-in model resnet18-imagenet", r.StdOut);
        Assert.Contains("licence MIT", r.StdOut);
    }

    [Fact]
    public void Layers_Resnet18ImageNet_ShowsReadableAndOriginalNames()
    {
        var r = ReplensProcess.Run(_dir.Path, "layers", "resnet18-imagenet", "--layers", "layer4.2.relu_1,Pooling395_Output_0", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var layers = JsonDocument.Parse(r.StdOut).RootElement.GetProperty("layers").EnumerateArray()
            .Select(l => (l.GetProperty("name").GetString()!, l.GetProperty("networkName").GetString()!)).ToList();
        Assert.Equal(new[] { ("layer4.2.relu_1", "ReLU393_Output_0"), ("avgpool", "Pooling395_Output_0") }, layers);
    }

    [Fact]
    public void Extract_Resnet18ImageNet_WritesTheAvgpoolFeatures()
    {
        var images = _dir.File("images");
        Directory.CreateDirectory(images);
        foreach (var name in new[] { "faces-00.png", "words-00.png" })
            File.Copy(Path.Combine(Repo.Root, "examples", "quickstart", "stimuli", name), Path.Combine(images, name));
        var output = _dir.File("out");
        var r = ReplensProcess.Run(_dir.Path, "extract", "--model", "resnet18-imagenet", "--images", images, "--layers", "avgpool", "--out", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        var x = Npy.ReadFloat64(Path.Combine(output, "avgpool.npy"));
        Assert.Equal((2, 512), (x.Dimension(0), x.Dimension(1)));
        Assert.All(x.Data, v => Assert.True(double.IsFinite(v) && v >= 0, $"avgpool value {v}"));
        Assert.True(x.Data.Take(512).Zip(x.Data.Skip(512)).Any(p => p.First != p.Second), "two different images gave the same features");
    }

    public void Dispose() => _dir.Dispose();
}
