using Microsoft.ML.OnnxRuntime;
using RepLens.Abstractions;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>Creates the encoder a captions target's options ask for, checking its files first.</summary>
internal static class TextEncoderFactory
{
    public const string ClipVocab = "vocab.json";
    public const string ClipMerges = "merges.txt";
    public const string OpenAiBpe = "bpe_simple_vocab_16e6.txt.gz";
    public const string WordPieceVocab = "vocab.txt";

    public static ITextEncoder Create(EncoderSettings s)
    {
        if (s.Kind == TextEncoderKind.Minilm) return new MiniLmEncoder();
        var model = s.Model ?? throw new ConfigurationErrorException($"{s.OptionsPath}.{s.ModelOption}",
            $"required for encoder '{EnumNames.Name(s.Kind ?? TextEncoderKind.Onnx)}': the ONNX file of the text encoder.");
        if (!File.Exists(model)) throw new ConfigurationErrorException($"{s.OptionsPath}.{s.ModelOption}", $"file '{model}' does not exist.");
        InferenceSession session;
        try
        {
            session = OnnxText.Open(model);
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationErrorException($"{s.OptionsPath}.{s.ModelOption}", e.Message);
        }
        try
        {
            var kind = s.Kind ?? Detect(session, model, $"{s.OptionsPath}.{s.ModelOption}");
            return kind == TextEncoderKind.Clip ? Clip(s, model, session) : Sentence(s, model, session);
        }
        catch (InvalidDataException e)
        {
            session.Dispose();
            throw new ConfigurationErrorException($"{s.OptionsPath}.{s.ModelOption}", e.Message);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static TextEncoderKind Detect(InferenceSession session, string model, string path)
    {
        var inputs = session.InputMetadata;
        if (inputs.ContainsKey("input_ids")) return TextEncoderKind.Onnx;
        if (inputs.Count == 1 && OnnxText.IsInteger(inputs.First().Value) && inputs.First().Value.Dimensions.Length == 2) return TextEncoderKind.Clip;
        throw new ConfigurationErrorException(path,
            $"'{model}' is neither a CLIP text tower (one integer input [N, 77]) nor a BERT-style sentence encoder (input_ids, attention_mask); found {OnnxText.Describe(session)}.");
    }

    private static ITextEncoder Clip(EncoderSettings s, string model, InferenceSession session)
    {
        var dir = Path.GetDirectoryName(model)!;
        string? vocab = s.Vocab, merges = s.Merges, bpe = s.Bpe;
        if (vocab is null && merges is null && bpe is null)
        {
            if (File.Exists(Path.Combine(dir, ClipVocab)) && File.Exists(Path.Combine(dir, ClipMerges)))
                (vocab, merges) = (Path.Combine(dir, ClipVocab), Path.Combine(dir, ClipMerges));
            else if (File.Exists(Path.Combine(dir, OpenAiBpe)))
                bpe = Path.Combine(dir, OpenAiBpe);
            else
                throw new ConfigurationErrorException($"{s.OptionsPath}.vocab",
                    $"a CLIP text tower needs CLIP's tokenizer files: options vocab ({ClipVocab}) and merges ({ClipMerges}), or bpe ({OpenAiBpe}); none was given and none lies beside '{model}'.");
        }
        ClipTokenizer tokenizer;
        string[] files;
        if (bpe is not null)
        {
            if (vocab is not null || merges is not null)
                throw new ConfigurationErrorException($"{s.OptionsPath}.bpe", "give either bpe, or vocab and merges, not both.");
            RequireFile(bpe, $"{s.OptionsPath}.bpe");
            tokenizer = Load(() => ClipTokenizer.FromOpenAiBpe(bpe), $"{s.OptionsPath}.bpe");
            files = [bpe];
        }
        else
        {
            if (vocab is null || merges is null)
                throw new ConfigurationErrorException($"{s.OptionsPath}.{(vocab is null ? "vocab" : "merges")}", $"a CLIP tokenizer needs both vocab ({ClipVocab}) and merges ({ClipMerges}).");
            RequireFile(vocab, $"{s.OptionsPath}.vocab");
            RequireFile(merges, $"{s.OptionsPath}.merges");
            tokenizer = Load(() => ClipTokenizer.FromVocabAndMerges(vocab, merges), $"{s.OptionsPath}.vocab");
            files = [vocab, merges];
        }
        return new ClipTextEncoder(model, session, tokenizer, files);
    }

    private static ITextEncoder Sentence(EncoderSettings s, string model, InferenceSession session)
    {
        var vocab = s.Vocab ?? Path.Combine(Path.GetDirectoryName(model)!, WordPieceVocab);
        if (s.Vocab is null && !File.Exists(vocab))
            throw new ConfigurationErrorException($"{s.OptionsPath}.vocab", $"a sentence encoder needs its WordPiece vocabulary: option vocab ({WordPieceVocab}); none was given and none lies beside '{model}'.");
        RequireFile(vocab, $"{s.OptionsPath}.vocab");
        return new OnnxSentenceEncoder(model, session, vocab, s.Pooling, s.Normalize, s.LowerCase, s.MaxTokens);
    }

    private static ClipTokenizer Load(Func<ClipTokenizer> load, string path)
    {
        try
        {
            return load();
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationErrorException(path, e.Message);
        }
    }

    private static void RequireFile(string file, string path)
    {
        if (!File.Exists(file)) throw new ConfigurationErrorException(path, $"file '{file}' does not exist.");
    }
}
