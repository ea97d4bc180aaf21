using System.Text.Json;
using RepLens.Plugins.Clip.Semantics;
using Xunit;
using static RepLens.Clip.Tests.Semantics.SemanticsFixtures;

namespace RepLens.Clip.Tests.Semantics;

public class ClipTokenizerTests
{
    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < TokenizerCases().Cases.Length; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Encode_FixtureSentence_MatchesClipReferenceImplementation(int index)
    {
        var c = TokenizerCases().Cases[index];
        Assert.Equal(c.Ids, HfTokenizer().Encode(c.Text));
        Assert.Equal(c.Ids, OpenAiTokenizer().Encode(c.Text));
    }

    [Fact]
    public void Encode_SimpleCaption_IsStartWordsEnd()
    {
        var tok = HfTokenizer();
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Fixture("clip_vocab.json")))!;
        // Hand-checked: lower-cased, one token per known word with the end-of-word suffix, the full stop apart.
        int[] expected = [vocab["<|startoftext|>"], vocab["a</w>"], vocab["cat</w>"], vocab["sleeping</w>"], vocab["on</w>"], vocab["a</w>"],
            vocab["sofa</w>"], vocab[".</w>"], vocab["<|endoftext|>"]];
        Assert.Equal(expected, tok.Encode("A cat sleeping on a SOFA."));
    }

    [Fact]
    public void Vocabulary_BuiltFromOpenAiMerges_EqualsHuggingFaceVocabulary()
    {
        var (start, end, size, _) = TokenizerCases();
        foreach (var tok in new[] { HfTokenizer(), OpenAiTokenizer() })
            Assert.Equal((start, end, size), (tok.StartId, tok.EndId, tok.VocabularySize));
        Assert.Equal(size - 1, end);
    }

    [Fact]
    public void Encode_LongText_TruncatedTo77WithEndTokenLast()
    {
        var tok = HfTokenizer();
        var ids = tok.Encode(string.Join(' ', Enumerable.Repeat("a dog on the beach", 40)));
        Assert.Equal(ClipTokenizer.ContextLength, ids.Length);
        Assert.Equal(tok.StartId, ids[0]);
        Assert.Equal(tok.EndId, ids[^1]);
        Assert.DoesNotContain(tok.EndId, ids[..^1]);
    }

    [Fact]
    public void Encode_EmptyText_IsStartAndEnd()
    {
        var tok = HfTokenizer();
        Assert.Equal([tok.StartId, tok.EndId], tok.Encode(""));
    }

    [Theory]
    [InlineData("  Two\tDogs\n\n and &amp;amp; a CAT ", "two dogs and & a cat")]
    [InlineData("Cafe\u0301", "café")]
    public void Clean_AsClipBasicAndWhitespaceClean(string text, string expected) => Assert.Equal(expected, ClipTokenizer.Clean(text));

    [Fact]
    public void ByteAlphabet_Has256DistinctPrintableSymbols()
    {
        var alphabet = ClipTokenizer.ByteAlphabet();
        Assert.Equal(256, alphabet.Distinct().Count());
        Assert.Equal("!", alphabet[0]);
        Assert.DoesNotContain(" ", alphabet);
    }

    [Fact]
    public void FromVocabAndMerges_VocabularyWithoutClipTokens_NamesTheFiles()
    {
        using var dir = new TestSupport.TempDir();
        File.WriteAllText(dir.File("vocab.json"), """{ "a": 0, "b": 1 }""");
        File.WriteAllText(dir.File("merges.txt"), "#version: 0.2\na b\n");
        var e = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromVocabAndMerges(dir.File("vocab.json"), dir.File("merges.txt")));
        Assert.Contains("vocab.json", e.Message);
        Assert.Contains("<|startoftext|>", e.Message);
    }

    [Fact]
    public void FromOpenAiBpe_MalformedMerge_NamesTheLine()
    {
        using var dir = new TestSupport.TempDir();
        File.WriteAllText(dir.File("bpe.txt"), "header\na b\nnot-a-merge\n");
        var e = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromOpenAiBpe(dir.File("bpe.txt")));
        Assert.Contains("line 3", e.Message);
    }
}
