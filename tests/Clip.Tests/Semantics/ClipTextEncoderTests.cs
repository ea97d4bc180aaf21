using RepLens.Abstractions;
using RepLens.Plugins.Clip.Semantics;
using RepLens.TestSupport;
using Xunit;
using static RepLens.Clip.Tests.Semantics.SemanticsFixtures;

namespace RepLens.Clip.Tests.Semantics;

public class ClipTextEncoderTests
{
    private static EncoderSettings Settings(TextEncoderKind? kind = TextEncoderKind.Clip, string? model = null, bool useBpe = false) =>
        new(kind, model ?? ClipModel, useBpe ? null : Fixture("clip_vocab.json"), useBpe ? null : Fixture("clip_merges.txt"),
            useBpe ? Fixture("clip_bpe.txt.gz") : null, TextPooling.Mean, false, true, 512, "$.targets[0].options");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Encode_FixtureSentences_MatchPyTorch(bool useBpe)
    {
        using var encoder = TextEncoderFactory.Create(Settings(useBpe: useBpe));
        var texts = TokenizerCases().Cases.Select(c => c.Text).ToArray();
        var expected = Rows(Fixture("clip_text_reference.npy"));
        var actual = encoder.Encode(texts, CancellationToken.None);
        Assert.Equal(16, encoder.Dimensions);
        for (int i = 0; i < texts.Length; i++)
            Assert.True(MaxRelativeDifference(actual[i], expected[i]) <= 1e-4, $"'{texts[i]}': {MaxRelativeDifference(actual[i], expected[i]):E2}");
    }

    [Fact]
    public void Encode_TextAloneOrInABatch_GivesIdenticalBits()
    {
        using var encoder = TextEncoderFactory.Create(Settings());
        var texts = TokenizerCases().Cases.Select(c => c.Text).ToArray();
        var batch = encoder.Encode(texts, CancellationToken.None);
        for (int i = 0; i < texts.Length; i++) Assert.Equal(batch[i], encoder.Encode([texts[i]], CancellationToken.None)[0]);
    }

    [Fact]
    public void Create_ModelPathOnly_DetectsClipTowerAndFindsNoTokenizer()
    {
        using var dir = new TempDir();
        File.Copy(ClipModel, dir.File("text.onnx"));
        var e = Assert.Throws<ConfigurationErrorException>(() => TextEncoderFactory.Create(Settings(kind: null, model: dir.File("text.onnx")) with { Vocab = null, Merges = null }));
        Assert.Equal("$.targets[0].options.vocab", e.Path);
        Assert.Contains("bpe_simple_vocab_16e6.txt.gz", e.Message);
    }

    [Fact]
    public void Create_TokenizerFilesBesideTheModel_AreFound()
    {
        using var dir = new TempDir();
        File.Copy(ClipModel, dir.File("text.onnx"));
        File.Copy(Fixture("clip_bpe.txt.gz"), dir.File(TextEncoderFactory.OpenAiBpe));
        using var encoder = TextEncoderFactory.Create(Settings(kind: null, model: dir.File("text.onnx")) with { Vocab = null, Merges = null });
        Assert.IsType<ClipTextEncoder>(encoder);
        Assert.Equal(Rows(Fixture("clip_text_reference.npy"))[0], encoder.Encode([TokenizerCases().Cases[0].Text], CancellationToken.None)[0], new FloatTolerance(1e-5f));
    }

    [Fact]
    public void Create_ImageModel_IsRefusedWithItsInputs()
    {
        var image = Repo.Fixture("onnx", "models", "gray_input.onnx");
        var e = Assert.Throws<ConfigurationErrorException>(() => TextEncoderFactory.Create(Settings(kind: null, model: image)));
        Assert.Contains("gray_input.onnx", e.Message);
        Assert.Contains("neither a CLIP text tower", e.Message);
    }

    [Fact]
    public void Create_NotAnOnnxFile_NamesTheFile()
    {
        var e = Assert.Throws<ConfigurationErrorException>(() => TextEncoderFactory.Create(Settings(model: Repo.Fixture("onnx", "models", "not_onnx.onnx"))));
        Assert.Equal("$.targets[0].options.model", e.Path);
        Assert.Contains("not_onnx.onnx", e.Message);
    }

    [Fact]
    public void Fingerprint_DependsOnTheTokenizerFiles()
    {
        using var a = TextEncoderFactory.Create(Settings());
        using var b = TextEncoderFactory.Create(Settings(useBpe: true));
        using var c = TextEncoderFactory.Create(Settings());
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.Equal(a.Fingerprint, c.Fingerprint);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
