using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Plugins.Clip.Semantics;
using RepLens.TestSupport;

namespace RepLens.Clip.Tests.Semantics;

/// <summary>The committed fixtures of tests/fixtures/semantics (made by tools/fixtures/make_semantics_fixtures.py).</summary>
internal static class SemanticsFixtures
{
    public static string Fixture(params string[] parts) => Repo.Fixture(["semantics", .. parts]);

    public static string ClipModel => Fixture("clip_text_tiny.onnx");

    public static ClipTokenizer HfTokenizer() => ClipTokenizer.FromVocabAndMerges(Fixture("clip_vocab.json"), Fixture("clip_merges.txt"));

    public static ClipTokenizer OpenAiTokenizer() => ClipTokenizer.FromOpenAiBpe(Fixture("clip_bpe.txt.gz"));

    public sealed record TokenCase(string Text, int[] Ids);

    public static (int Start, int End, int Vocabulary, TokenCase[] Cases) TokenizerCases()
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(Fixture("tokenizer_cases.json")));
        var root = doc.RootElement;
        var cases = root.GetProperty("cases").EnumerateArray()
            .Select(c => new TokenCase(c.GetProperty("text").GetString()!, c.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray()))
            .ToArray();
        return (root.GetProperty("startId").GetInt32(), root.GetProperty("endId").GetInt32(), root.GetProperty("vocabularySize").GetInt32(), cases);
    }

    public static float[][] Rows(string npy)
    {
        var a = Npy.ReadFloat32(npy);
        int d = (int)a.Shape[1];
        return Enumerable.Range(0, (int)a.Shape[0]).Select(i => a.Data.AsSpan(i * d, d).ToArray()).ToArray();
    }

    /// <summary>Options for a captions target from JSON (paths relative to the repository root).</summary>
    public static TargetRequest Request(string json, string? cacheDirectory = null, string name = "semantics")
    {
        using var doc = JsonDocument.Parse(json);
        return new TargetRequest(name, new PluginOptions(doc.RootElement.Clone(), "$.targets[0].options", Repo.Root)) { CacheDirectory = cacheDirectory };
    }

    public static string ClipOptions(string extra = "") =>
        $$"""{ "encoder": "clip", "model": "tests/fixtures/semantics/clip_text_tiny.onnx", "vocab": "tests/fixtures/semantics/clip_vocab.json", "merges": "tests/fixtures/semantics/clip_merges.txt", "cache": false {{extra}} }""";

    public static StimulusTable Table(params (string Id, string[] Captions)[] rows) =>
        new(rows.Select(r => new Stimulus(r.Id, $"/images/{r.Id}.png", null, r.Captions)), "test table");

    public static float[][] Vectors(TargetRepresentation r)
    {
        var view = r.Vectors!;
        var column = view.Schema[r.VectorColumn!];
        var result = new List<float[]>();
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(column);
        var buffer = default(Microsoft.ML.Data.VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            result.Add(buffer.DenseValues().ToArray());
        }
        return result.ToArray();
    }

    public static double Cosine(float[] a, float[] b)
    {
        double d = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { d += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return d / Math.Sqrt(na * nb);
    }

    public static double MaxRelativeDifference(float[] actual, float[] expected)
    {
        double scale = expected.Max(x => Math.Abs((double)x));
        return actual.Zip(expected, (a, e) => Math.Abs((double)a - e)).Max() / scale;
    }
}
