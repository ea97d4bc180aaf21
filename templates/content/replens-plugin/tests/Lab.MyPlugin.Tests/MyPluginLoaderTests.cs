using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using Xunit;

namespace Lab.MyPlugin.Tests;

/// <summary>The loader on a tiny data set written by the test: two subjects, one ROI, three stimuli.</summary>
public sealed class MyPluginLoaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "my-plugin-test-" + Guid.NewGuid().ToString("N"));

    public MyPluginLoaderTests()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllLines(Path.Combine(_root, "stimuli.txt"), new[] { "a", "b", "c" });
        foreach (var subject in new[] { "subj01", "subj02" })
        {
            Directory.CreateDirectory(Path.Combine(_root, subject));
            var responses = Enumerable.Range(0, 3 * 4).Select(i => (float)i + (subject == "subj02" ? 100 : 0)).ToArray();
            Npy.Write(Path.Combine(_root, subject, "V1.npy"), responses, new long[] { 3, 4 });
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private IBrainDataset Open() => new MyPluginLoader().Open(new BrainDataRequest("test", _root, PluginOptions.Empty));

    [Fact]
    public void Load_TwoSubjects_GivesTheirResponsesKeyedByStimulus()
    {
        using var data = Open();
        Assert.Equal(new[] { "subj01", "subj02" }, data.Subjects);
        Assert.Equal(new[] { "V1" }, data.Rois);
        var r = data.Load("subj02", "V1", null)!;
        Assert.Equal(new[] { "a", "b", "c" }, r.StimulusIds);
        Assert.Equal(3, r.Responses.Rows);
        Assert.Equal(4, r.Responses.Columns);
        Assert.Equal(104f, r.Responses.Row(1)[0]);
    }

    [Fact]
    public void Load_MissingRoi_ReturnsNull()
    {
        using var data = Open();
        Assert.Null(data.Load("subj01", "FFA", null));
    }

    [Fact]
    public void Open_NoStimulusList_ThrowsNamingTheFile()
    {
        File.Delete(Path.Combine(_root, "stimuli.txt"));
        var e = Assert.Throws<FileNotFoundException>(Open);
        Assert.Contains("stimuli.txt", e.Message);
    }
}
