using RepLens.Host.Tests.Cli;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Host.Tests.Distractors;

/// <summary>Bad inputs of <c>replens distractors</c>: a message naming the file and id, exit code 2, no output folder.</summary>
public sealed class DistractorsBadInputTests : IDisposable
{
    private readonly TempDir _dir = new("replens-distractors-bad");

    public void Dispose() => _dir.Dispose();

    private ReplensProcess.Result Run(DistractorInputsFixture inputs, out string output, params string[] more)
    {
        output = _dir.File("out");
        return ReplensProcess.Run(_dir.Path, inputs.Args(output, more));
    }

    private static void AssertRefused(ReplensProcess.Result r, string output, params string[] mentions)
    {
        Assert.True(r.ExitCode == 2, r.ToString());
        foreach (var m in mentions) Assert.Contains(m, r.StdErr);
        Assert.False(Directory.Exists(output), $"{output} was created");
    }

    [Fact]
    public void IdsMatchingNoStimulus_NamedWithTheirLine()
    {
        var inputs = new DistractorInputsFixture(_dir.File("inputs"));
        var lines = File.ReadAllLines(inputs.Ids);
        lines[2] = "t9";
        File.WriteAllLines(inputs.Ids, lines);

        var r = Run(inputs, out var output);

        AssertRefused(r, output, inputs.Ids, "'t9' (line 3)", "match no stimulus");
    }

    [Fact]
    public void EmbeddingRowsDifferingFromTheIds_NamesBothFiles()
    {
        var inputs = new DistractorInputsFixture(_dir.File("inputs"));
        File.AppendAllLines(inputs.Ids, new[] { "t0-again" });

        var r = Run(inputs, out var output);

        AssertRefused(r, output, inputs.Ids, inputs.Embeddings, "15 ids", "14 rows");
    }

    [Fact]
    public void PoolImageSmallerThanItsPastedSize_NamedWithTheTargetAndSizes()
    {
        var inputs = new DistractorInputsFixture(_dir.File("inputs"),
            extraPool: new[] { ("tiny", DistractorInputsFixture.Flat(12, 9), 20.0) });

        var r = Run(inputs, out var output);

        AssertRefused(r, output, inputs.Pool, "pool image 'tiny'", "12 × 9 pixels", "target 't0'");
    }

    [Fact]
    public void NoUsablePoolImage_EvenWhenTooSmallImagesAreSkipped()
    {
        var inputs = new DistractorInputsFixture(_dir.File("inputs"), new Dictionary<string, double>(),
            extraPool: new[] { ("tiny-a", DistractorInputsFixture.Flat(12, 9), 20.0), ("tiny-b", DistractorInputsFixture.Flat(10, 10), 150.0) });

        var r = Run(inputs, out var output, "--on-bad-image", "skip");

        AssertRefused(r, output, inputs.Pool, "no usable image", "2 too small");
    }
}
