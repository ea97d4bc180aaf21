namespace RepLens.TestSupport;

/// <summary>
/// A fresh folder under the system temp folder, deleted on dispose — unless REPLENS_KEEP_TEMP=1, to
/// look at what a test wrote (outputs, figures, reports).
/// </summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "replens-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public override string ToString() => Path;

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("REPLENS_KEEP_TEMP") == "1") return;
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
