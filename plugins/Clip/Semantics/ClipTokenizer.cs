using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>
/// CLIP's tokenizer (OpenAI CLIP's <c>simple_tokenizer.py</c>, also open_clip's): text cleaned (HTML
/// entities unescaped twice, Unicode NFC, whitespace collapsed, trimmed) and lower-cased, split by CLIP's
/// pattern (contractions, letter runs, single digits, other symbol runs), each piece's UTF-8 bytes mapped
/// to CLIP's byte alphabet and merged by byte-level BPE with the end-of-word suffix <c>&lt;/w&gt;</c>; then
/// <c>&lt;|startoftext|&gt;</c> + ids + <c>&lt;|endoftext|&gt;</c>, truncated to the context length (77) with
/// the end token kept last, as open_clip's <c>tokenize</c> does. The BPE itself is Microsoft.ML.Tokenizers'
/// <see cref="BpeTokenizer"/>. ftfy's <c>fix_text</c> (mojibake repair) is not reproduced: for clean
/// UTF-8 captions it changes nothing.
/// </summary>
internal sealed partial class ClipTokenizer
{
    /// <summary>CLIP's context length.</summary>
    public const int ContextLength = 77;

    /// <summary>How many merges of OpenAI's <c>bpe_simple_vocab_16e6.txt.gz</c> CLIP uses (49152 − 256 − 2).</summary>
    public const int OpenAiMergeCount = 49152 - 256 - 2;

    public const string StartToken = "<|startoftext|>";
    public const string EndToken = "<|endoftext|>";
    public const string EndOfWord = "</w>";

    private readonly BpeTokenizer _bpe;

    private ClipTokenizer(Dictionary<string, int> vocabulary, IReadOnlyList<string> merges, string source)
    {
        Source = source;
        if (!vocabulary.TryGetValue(StartToken, out var sot) || !vocabulary.TryGetValue(EndToken, out var eot))
            throw new InvalidDataException($"{source}: the vocabulary has no {StartToken} or {EndToken} token; is it a CLIP vocabulary?");
        StartId = sot;
        EndId = eot;
        VocabularySize = vocabulary.Count;
        foreach (var c in ByteAlphabet())
        {
            if (!vocabulary.ContainsKey(c) || !vocabulary.ContainsKey(c + EndOfWord))
                throw new InvalidDataException($"{source}: the vocabulary lacks the byte symbol '{c}' (or '{c}{EndOfWord}'); a CLIP vocabulary has all 256 byte symbols with and without {EndOfWord}.");
        }
        var special = new Dictionary<string, int> { [StartToken] = sot, [EndToken] = eot };
        _bpe = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges,
            PreTokenizer = new RegexPreTokenizer(Pattern(), special),
            SpecialTokens = special,
            EndOfWordSuffix = EndOfWord,
            ByteLevel = true,
        });
    }

    /// <summary>Where the vocabulary came from (file names), for messages.</summary>
    public string Source { get; }

    public int StartId { get; }

    public int EndId { get; }

    public int VocabularySize { get; }

    /// <summary>From a Hugging Face <c>vocab.json</c> (token → id) and <c>merges.txt</c>.</summary>
    public static ClipTokenizer FromVocabAndMerges(string vocabJson, string mergesTxt)
    {
        Dictionary<string, int> vocab;
        try
        {
            vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(ReadUtf8(vocabJson))
                ?? throw new InvalidDataException($"{vocabJson}: empty vocabulary.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{vocabJson}: not a JSON object of token → id: {e.Message}", e);
        }
        var merges = MergeLines(ReadUtf8(mergesTxt), mergesTxt, int.MaxValue);
        return new ClipTokenizer(vocab, merges, $"{vocabJson} + {mergesTxt}");
    }

    /// <summary>
    /// From OpenAI's <c>bpe_simple_vocab_16e6.txt.gz</c> (merges only; gzip or plain text): the vocabulary is
    /// built as CLIP builds it — the 256 byte symbols, the same with <c>&lt;/w&gt;</c>, one token per merge
    /// (the first 48,894 merges), then the start and end tokens.
    /// </summary>
    public static ClipTokenizer FromOpenAiBpe(string path)
    {
        string text;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B)
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            bytes = ms.ToArray();
        }
        text = DecodeUtf8(bytes, path);
        var merges = MergeLines(text, path, OpenAiMergeCount);
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var alphabet = ByteAlphabet();
        foreach (var c in alphabet) vocab.Add(c, vocab.Count);
        foreach (var c in alphabet) vocab.Add(c + EndOfWord, vocab.Count);
        foreach (var m in merges) vocab.TryAdd(m.Replace(" ", "", StringComparison.Ordinal), vocab.Count);
        vocab.Add(StartToken, vocab.Count);
        vocab.Add(EndToken, vocab.Count);
        return new ClipTokenizer(vocab, merges, path);
    }

    /// <summary>CLIP's <c>whitespace_clean(basic_clean(text)).lower()</c>, without ftfy.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text)).Normalize(NormalizationForm.FormC).Trim();
        return Whitespace().Replace(t, " ").Trim().ToLowerInvariant();
    }

    /// <summary>The token ids of a text without start and end tokens (no truncation).</summary>
    public IReadOnlyList<int> EncodeWithoutSpecialTokens(string text) => _bpe.EncodeToIds(Clean(text));

    /// <summary>Start token, the text's ids, end token; truncated to <paramref name="contextLength"/> with the end token last.</summary>
    public int[] Encode(string text, int contextLength = ContextLength)
    {
        var ids = EncodeWithoutSpecialTokens(text);
        int n = Math.Min(ids.Count + 2, contextLength);
        var result = new int[n];
        result[0] = StartId;
        for (int i = 1; i < n - 1; i++) result[i] = ids[i - 1];
        result[n - 1] = EndId;
        return result;
    }

    /// <summary>CLIP's byte alphabet (GPT-2's bytes_to_unicode), in CLIP's vocabulary order.</summary>
    public static IReadOnlyList<string> ByteAlphabet()
    {
        var bs = new List<int>();
        for (int b = '!'; b <= '~'; b++) bs.Add(b);
        for (int b = '¡'; b <= '¬'; b++) bs.Add(b);
        for (int b = '®'; b <= 'ÿ'; b++) bs.Add(b);
        var cs = new List<int>(bs);
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            if (bs.Contains(b)) continue;
            bs.Add(b);
            cs.Add(256 + n++);
        }
        return cs.Select(c => ((char)c).ToString()).ToArray();
    }

    private static List<string> MergeLines(string text, string source, int max)
    {
        var lines = text.Split('\n');
        var merges = new List<string>();
        // The first line is a version header ("#version: 0.2" or OpenAI's "\"bpe_simple_vocab_16e6.txt#version: 0.2").
        for (int i = 1; i < lines.Length && merges.Count < max; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new InvalidDataException($"{source}, line {i + 1}: expected a merge 'a b', found '{line}'.");
            merges.Add(line);
        }
        if (merges.Count == 0) throw new InvalidDataException($"{source}: no merges found (expected a header line, then one 'a b' merge per line).");
        return merges;
    }

    private static string ReadUtf8(string path) => DecodeUtf8(File.ReadAllBytes(path), path);

    private static string DecodeUtf8(byte[] bytes, string path)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{path}: not UTF-8 text.", e);
        }
    }

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
