using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Plugins.Clip.Semantics;
using RepLens.TestSupport;
using Xunit;
using static RepLens.Clip.Tests.Semantics.SemanticsFixtures;

namespace RepLens.Clip.Tests.Semantics;

public class CaptionsTargetTests
{
    private static CaptionsEmbeddingTarget Open(string json, string? cache = null) =>
        (CaptionsEmbeddingTarget)new CaptionsTarget().Open(Request(json, cache));

    /// <summary>The stimuli of coco_captions.json as a table whose image files have the COCO file names.</summary>
    private static StimulusTable CocoStimuli(bool withUncaptioned = false)
    {
        var images = CocoCaptions.Read(Fixture("coco_captions.json")).Where(i => withUncaptioned || i.Captions.Count > 0);
        return new StimulusTable(images.Select(i => new Stimulus($"s{i.Id}", $"/data/coco/{i.FileName}", null, [])), "coco stimuli");
    }

    [Fact]
    public void Compute_ImagesWithTheSameCaptions_GetIdenticalVectors()
    {
        var target = Open(ClipOptions());
        var table = Table(("a", ["a dog on the beach", "two dogs play"]), ("b", ["a dog on the beach", "two dogs play"]), ("c", ["a red bus"]), ("d", ["two dogs play", "a dog on the beach"]));
        var v = Vectors(target.Compute(table, CancellationToken.None));
        Assert.Equal(v[0], v[1]);
        Assert.Equal(v[0], v[3]);
        Assert.Equal(target.Embed(["a red bus"], CancellationToken.None)[0], v[2]);
        var e = target.Embed(["a dog on the beach", "two dogs play"], CancellationToken.None);
        for (int k = 0; k < v[0].Length; k++) Assert.Equal((float)(((double)e[0][k] + e[1][k]) / 2), v[0][k]);
    }

    [Fact]
    public void Compute_CocoCaptionsByFileName_EqualNumPyMeansOfPyTorchEmbeddings()
    {
        var target = Open(ClipOptions(""", "coco": "tests/fixtures/semantics/coco_captions.json" """));
        var table = CocoStimuli();
        var actual = Vectors(target.Compute(table, CancellationToken.None));
        var expected = Rows(Fixture("coco_reference", "embeddings.npy"));
        var ids = File.ReadAllLines(Fixture("coco_reference", "ids.txt")).Where(l => l.Length > 0).Select(l => "s" + l).ToArray();
        Assert.Equal(ids, table.Ids);
        for (int i = 0; i < actual.Length; i++) Assert.True(MaxRelativeDifference(actual[i], expected[i]) <= 1e-4);
        var rdm = Npy.ReadFloat64(Fixture("coco_reference", "rdm.npy"));
        for (int i = 0; i < actual.Length; i++)
            for (int j = 0; j < actual.Length; j++)
                Assert.Equal(rdm.Data[i * actual.Length + j], i == j ? 0 : 1 - Cosine(actual[i], actual[j]), 1e-6);
    }

    [Fact]
    public void Compute_NormalizeCaptions_EqualsNumPyMeanOfUnitVectors()
    {
        var target = Open(ClipOptions(""", "coco": "tests/fixtures/semantics/coco_captions.json", "normalizeCaptions": true """));
        var actual = Vectors(target.Compute(CocoStimuli(), CancellationToken.None));
        var expected = Rows(Fixture("coco_reference", "embeddings_normalized.npy"));
        for (int i = 0; i < actual.Length; i++) Assert.True(MaxRelativeDifference(actual[i], expected[i]) <= 1e-4);
    }

    [Fact]
    public void Compute_CocoMatchedById_ReadsTheSameCaptions()
    {
        var byId = Open(ClipOptions(""", "coco": ["tests/fixtures/semantics/coco_captions.json"], "matchBy": "id" """));
        var table = new StimulusTable(CocoStimuli().Select(s => s with { Id = s.Id[1..] }), "ids");
        var expected = Rows(Fixture("coco_reference", "embeddings.npy"));
        var actual = Vectors(byId.Compute(table, CancellationToken.None));
        for (int i = 0; i < actual.Length; i++) Assert.True(MaxRelativeDifference(actual[i], expected[i]) <= 1e-4);
    }

    [Fact]
    public void Compute_StimulusWithoutCaptions_StopsNamingIt()
    {
        var target = Open(ClipOptions());
        var e = Assert.Throws<InvalidDataException>(() => target.Compute(Table(("a", ["a dog"]), ("lonely", []), ("c", ["a cat"])), CancellationToken.None));
        Assert.Contains("lonely", e.Message);
        Assert.Contains("onMissingCaptions", e.Message);
    }

    [Fact]
    public void Compute_SkipMissing_GivesANaNVector()
    {
        var target = Open(ClipOptions(""", "onMissingCaptions": "skip" """));
        var v = Vectors(target.Compute(Table(("a", ["a dog"]), ("lonely", []), ("c", ["a cat"])), CancellationToken.None));
        Assert.All(v[1], x => Assert.True(float.IsNaN(x)));
        Assert.All(v[0], x => Assert.True(float.IsFinite(x)));
    }

    [Fact]
    public void Compute_CocoFileMatchingNoStimulus_SaysSo()
    {
        var target = Open(ClipOptions(""", "coco": "tests/fixtures/semantics/coco_captions.json" """));
        var e = Assert.Throws<InvalidDataException>(() => target.Compute(Table(("x", []), ("y", [])), CancellationToken.None));
        Assert.Contains("none of the 2 stimuli", e.Message);
        Assert.Contains("coco_captions.json", e.Message);
        Assert.Contains("matchBy", e.Message);
    }

    [Theory]
    [InlineData("", "caption 1 is empty")]
    [InlineData("caf\uFFFD", "U+FFFD")]
    public void Compute_BadCaption_NamesTheStimulus(string caption, string expected)
    {
        var target = Open(ClipOptions());
        var e = Assert.Throws<InvalidDataException>(() => target.Compute(Table(("a", ["a dog"]), ("bad-one", [caption])), CancellationToken.None));
        Assert.Contains("bad-one", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Embed_EmptyText_Throws() =>
        Assert.Throws<ArgumentException>(() => Open(ClipOptions()).Embed(["a dog", " "], CancellationToken.None));

    [Fact]
    public void Cache_NewTargetOnTheSameFolder_ReturnsIdenticalBytesWithoutComputing()
    {
        using var dir = new TempDir();
        string[] texts = ["a dog on the beach", "a red bus", "two dogs play", "a dog on the beach"];
        var first = Open(ClipOptions().Replace("\"cache\": false", "\"cache\": true"), dir.Path);
        var computed = first.Embed(texts, CancellationToken.None);
        Assert.Equal((0, 0, 3), first.Embedder.Statistics);
        var again = first.Embed(texts, CancellationToken.None);
        Assert.Equal((3, 0, 3), first.Embedder.Statistics);

        var second = Open(ClipOptions().Replace("\"cache\": false", "\"cache\": true"), dir.Path);
        var cached = second.Embed(texts, CancellationToken.None);
        Assert.Equal((0, 3, 0), second.Embedder.Statistics);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(Bytes(computed[i]), Bytes(cached[i]));
            Assert.Equal(Bytes(computed[i]), Bytes(again[i]));
        }
        var segment = Assert.Single(Directory.GetFiles(second.Embedder.Store!.Folder, "*.npy"));
        Assert.Equal([3L, 16L], Npy.ReadHeader(segment).Shape);
    }

    [Fact]
    public void Cache_DamagedSegment_IsIgnoredAndRecomputed()
    {
        using var dir = new TempDir();
        var options = ClipOptions().Replace("\"cache\": false", "\"cache\": true");
        var first = Open(options, dir.Path);
        var computed = first.Embed(["a dog on the beach", "a red bus"], CancellationToken.None);
        var segment = Assert.Single(Directory.GetFiles(first.Embedder.Store!.Folder, "*.npy"));
        File.WriteAllBytes(segment, File.ReadAllBytes(segment)[..100]);
        var second = Open(options, dir.Path);
        var recomputed = second.Embed(["a dog on the beach", "a red bus"], CancellationToken.None);
        Assert.Equal(2, second.Embedder.Statistics.Computed);
        Assert.Equal(Bytes(computed[1]), Bytes(recomputed[1]));
    }

    [Fact]
    public void Cache_OptionFalse_WritesNothing()
    {
        using var dir = new TempDir();
        var target = Open(ClipOptions(), dir.Path);
        target.Embed(["a dog"], CancellationToken.None);
        Assert.Null(target.Embedder.Store);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Fingerprint_ChangesWithWhatDeterminesTheVectors()
    {
        var plain = Open(ClipOptions()).Fingerprint;
        Assert.Equal(plain, Open(ClipOptions()).Fingerprint);
        Assert.NotEqual(plain, Open(ClipOptions(""", "normalizeCaptions": true """)).Fingerprint);
        Assert.NotEqual(plain, Open(ClipOptions(""", "coco": "tests/fixtures/semantics/coco_captions.json" """)).Fingerprint);
        Assert.NotEqual(plain, Open("""{ "cache": false }""").Fingerprint);
    }

    [Fact]
    public void Open_NoOptions_IsTheBuiltInEncoderWithTheSeedWarning()
    {
        var target = Open("{}");
        Assert.Equal(MiniLmEncoder.Dimension, target.Dimensions);
        Assert.Contains("all-MiniLM-L6-v2", target.EncoderDescription);
        Assert.Contains("Universal Sentence Encoder v4", target.EncoderDescription);
        Assert.Contains("Universal Sentence Encoder v4", new CaptionsTarget().Description);
        Assert.Equal(DistanceMetric.Cosine, new CaptionsTarget().DefaultMetric);
    }

    [Theory]
    [InlineData("""{ "encoder": "use-v4" }""", "encoder", "minilm, clip, onnx")]
    [InlineData("""{ "vocab": "x.json" }""", "vocab", "built-in minilm")]
    [InlineData("""{ "encoder": "minilm", "pooling": "cls" }""", "pooling", "built-in minilm")]
    [InlineData("""{ "batchSize": 0 }""", "batchSize", "between 1 and 4096")]
    [InlineData("""{ "coco": "missing.json" }""", "coco", "does not exist")]
    [InlineData("""{ "matchBy": "id" }""", "matchBy", "option coco")]
    [InlineData("""{ "onMissingCaptions": "ignore" }""", "onMissingCaptions", "stop, skip")]
    [InlineData("""{ "cache": 3 }""", "cache", "true")]
    [InlineData("""{ "encodr": "minilm" }""", "encodr", "unknown option")]
    [InlineData("""{ "encoder": "clip" }""", "model", "required")]
    public void Open_BadOption_NamesItsPath(string json, string key, string message)
    {
        var e = Assert.Throws<ConfigurationErrorException>(() => new CaptionsTarget().Open(Request(json)));
        Assert.Equal($"$.targets[0].options.{key}", e.Path);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Open_BadCocoFile_IsAConfigurationErrorNamingTheFile()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("c.json"), """{ "images": [ { "id": 1, "file_name": "a.jpg" } ], "annotations": [ { "id": 7, "image_id": 2, "caption": "x" } ] }""");
        var e = Assert.Throws<ConfigurationErrorException>(() => new CaptionsTarget().Open(Request($$"""{ "coco": "{{dir.File("c.json")}}" }""")));
        Assert.Equal("$.targets[0].options.coco", e.Path);
        Assert.Contains("image_id 2", e.Message);
    }

    [Fact]
    public void Compute_Conformance_SchemaOrderAndRepeatability()
    {
        var target = Open(ClipOptions());
        var table = Table(("z", ["a dog"]), ("a", ["a cat", "a kitten"]), ("m", ["a bus"]));
        var r = target.Compute(table, CancellationToken.None);
        Assert.Equal(DistanceMetric.Cosine, r.Metric);
        var column = r.Vectors!.Schema[r.VectorColumn!];
        Assert.Equal(16, ((Microsoft.ML.Data.VectorDataViewType)column.Type).Size);
        using (var cursor = r.Vectors.GetRowCursor([r.Vectors.Schema[StimulusColumns.Id]]))
        {
            var ids = new List<string>();
            var get = cursor.GetGetter<ReadOnlyMemory<char>>(r.Vectors.Schema[StimulusColumns.Id]);
            ReadOnlyMemory<char> id = default;
            while (cursor.MoveNext()) { get(ref id); ids.Add(id.ToString()); }
            Assert.Equal(["z", "a", "m"], ids);
        }
        var again = Vectors(Open(ClipOptions()).Compute(table, CancellationToken.None));
        Assert.Equal(Vectors(r), again);
    }

    private static byte[] Bytes(float[] v) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()).ToArray();
}
