using System.Text.Json;
using RepLens.Abstractions;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>The options of a <c>captions</c> target, validated, with paths resolved against the config's folder.</summary>
internal sealed record CaptionsSettings(
    EncoderSettings Encoder,
    bool NormalizeCaptions,
    IReadOnlyList<string> CocoFiles,
    CaptionMatch MatchBy,
    MissingCaptionPolicy OnMissingCaptions,
    int BatchSize,
    string? CacheRoot)
{
    /// <summary>
    /// Captions per encoder call unless option <c>batchSize</c> says otherwise (all-MiniLM-L6-v2 on 2 cores: 256 and 512 need
    /// ~20% less CPU time per caption than 32; see docs/PERFORMANCE.md). Long texts are batched fewer at a time (a token budget).
    /// </summary>
    public const int DefaultBatchSize = 256;

    public static readonly string[] Keys =
    [
        "encoder", "model", "vocab", "merges", "bpe", "pooling", "normalize", "lowerCase", "maxTokens",
        "normalizeCaptions", "coco", "matchBy", "onMissingCaptions", "batchSize", "cache",
    ];

    private static readonly string[] OnnxOnly = ["model", "vocab", "merges", "bpe", "pooling", "normalize", "lowerCase", "maxTokens"];

    public static CaptionsSettings Read(PluginOptions o, string? hostCacheDirectory)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.ThrowIfUnknown(Keys);
        TextEncoderKind? kind = null;
        string? model = o.GetPath("model");
        string modelOption = "model";
        var encoder = o.GetString("encoder");
        if (encoder is not null)
        {
            if (EnumNames.TryParse<TextEncoderKind>(encoder, out var k)) kind = k;
            else if (encoder.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || File.Exists(Path.GetFullPath(encoder, o.BaseDirectory)))
            {
                if (model is not null)
                    throw new ConfigurationErrorException($"{o.Path}.encoder", "names a model file and option model names another; give one.");
                model = Path.GetFullPath(encoder, o.BaseDirectory);
                modelOption = "encoder";
            }
            else
            {
                throw new ConfigurationErrorException($"{o.Path}.encoder",
                    $"'{encoder}' is not an encoder; expected {string.Join(", ", EnumNames.ValidNames<TextEncoderKind>())}, or the path of an .onnx text encoder.");
            }
        }
        else if (model is null)
        {
            kind = TextEncoderKind.Minilm;
        }
        if (kind == TextEncoderKind.Minilm)
        {
            var extra = OnnxOnly.FirstOrDefault(o.Has);
            if (extra is not null)
                throw new ConfigurationErrorException($"{o.Path}.{extra}", "is an option of the ONNX encoders (clip, onnx); the built-in minilm encoder takes none.");
        }
        int maxTokens = o.GetInt32("maxTokens", 512);
        if (maxTokens < 3) throw new ConfigurationErrorException($"{o.Path}.maxTokens", $"must be at least 3 ([CLS], one token, [SEP]); got {maxTokens}.");
        int batch = o.GetInt32("batchSize", DefaultBatchSize);
        if (batch is < 1 or > 4096) throw new ConfigurationErrorException($"{o.Path}.batchSize", $"must be between 1 and 4096; got {batch}.");

        var coco = o.GetStringList("coco").Select(f => Path.GetFullPath(f, o.BaseDirectory)).ToList();
        for (int i = 0; i < coco.Count; i++)
            if (!File.Exists(coco[i]))
                throw new ConfigurationErrorException(coco.Count == 1 && o.GetRaw("coco")!.Value.ValueKind == JsonValueKind.String ? $"{o.Path}.coco" : $"{o.Path}.coco[{i}]",
                    $"COCO caption file '{coco[i]}' does not exist.");
        if (coco.Count == 0 && o.Has("matchBy"))
            throw new ConfigurationErrorException($"{o.Path}.matchBy", "applies to COCO caption files (option coco), and none is given.");

        return new CaptionsSettings(
            new EncoderSettings(kind, model, o.GetPath("vocab"), o.GetPath("merges"), o.GetPath("bpe"),
                o.GetEnum("pooling", TextPooling.Mean), o.GetBoolean("normalize", false), o.GetBoolean("lowerCase", true), maxTokens, o.Path, modelOption),
            o.GetBoolean("normalizeCaptions", false),
            coco,
            o.GetEnum("matchBy", CaptionMatch.FileName),
            o.GetEnum("onMissingCaptions", MissingCaptionPolicy.Stop),
            batch,
            ReadCache(o, hostCacheDirectory));
    }

    private static string? ReadCache(PluginOptions o, string? host)
    {
        var raw = o.GetRaw("cache");
        if (raw is null) return host;
        return raw.Value.ValueKind switch
        {
            JsonValueKind.True => host,
            JsonValueKind.False => null,
            JsonValueKind.String => o.GetPath("cache"),
            _ => throw new ConfigurationErrorException($"{o.Path}.cache", "expected true (the host's cache folder), false (memory only) or a folder path."),
        };
    }
}
