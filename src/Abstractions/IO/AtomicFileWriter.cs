namespace RepLens.Abstractions.IO;

/// <summary>
/// A file being written under a temporary name beside its final path (see <see cref="AtomicFile"/>):
/// write to <see cref="Stream"/>, then <see cref="Commit"/> flushes it to disk and renames it into
/// place. Disposing without committing deletes the temporary file, so an interrupted or failed write
/// leaves nothing under the final name. Use this when the content is produced piecewise (streamed
/// rows, spans that cannot be captured by a callback).
/// </summary>
public sealed class AtomicFileWriter : IDisposable
{
    private FileStream? _stream;
    private bool _committed;

    /// <summary>Creates the temporary file; the folder of <paramref name="path"/> is created if missing.</summary>
    /// <param name="path">The final path.</param>
    /// <param name="bufferSize">The stream's buffer size in bytes.</param>
    public AtomicFileWriter(string path, int bufferSize = 1 << 16)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FinalPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(FinalPath)!);
        TemporaryPath = AtomicFile.TemporaryNameFor(FinalPath);
        _stream = new FileStream(TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize);
    }

    /// <summary>The path the file gets on <see cref="Commit"/>.</summary>
    public string FinalPath { get; }

    /// <summary>The temporary path being written.</summary>
    public string TemporaryPath { get; }

    /// <summary>The stream to write to (until <see cref="Commit"/> or disposal).</summary>
    /// <exception cref="ObjectDisposedException">Already committed or disposed.</exception>
    public FileStream Stream => _stream ?? throw new ObjectDisposedException(nameof(AtomicFileWriter), $"The write of '{FinalPath}' is already finished.");

    /// <summary>Flushes the content to disk and renames the temporary file to <see cref="FinalPath"/>, replacing any file there.</summary>
    public void Commit()
    {
        var s = Stream;
        try
        {
            s.Flush(flushToDisk: true);
            s.Dispose();
            _stream = null;
            File.Move(TemporaryPath, FinalPath, overwrite: true);
            _committed = true;
        }
        finally
        {
            if (!_committed) Dispose();
        }
    }

    /// <summary>Deletes the temporary file unless <see cref="Commit"/> succeeded.</summary>
    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
        if (_committed) return;
        try { File.Delete(TemporaryPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
