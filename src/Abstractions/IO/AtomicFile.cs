namespace RepLens.Abstractions.IO;

/// <summary>
/// Writes files so that a reader never sees a half-written one: the content goes to a temporary
/// file in the same folder, is flushed to disk, then renamed over the final name (atomic on POSIX file
/// systems). An interrupted write leaves at most a <c>*.tmp-*</c> file, which <see cref="IsTemporary"/>
/// recognises so that caches can clean it up.
/// </summary>
public static class AtomicFile
{
    private const string Marker = ".tmp-";

    /// <summary>Writes a file through <paramref name="write"/>, then renames it into place.</summary>
    /// <param name="path">Final path; its folder is created if missing.</param>
    /// <param name="write">Writes the whole content to the stream.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = TemporaryNameFor(full);
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Writes text (UTF-8, no byte-order mark) atomically.</summary>
    /// <param name="path">Final path.</param>
    /// <param name="text">The content.</param>
    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            w.Write(text);
        });

    /// <summary>Writes bytes atomically.</summary>
    /// <param name="path">Final path.</param>
    /// <param name="bytes">The content.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>
    /// A fresh temporary name beside <paramref name="finalPath"/>:
    /// <c>&lt;final&gt;.tmp-&lt;pid&gt;@&lt;host&gt;-&lt;guid&gt;</c>. The process id and host name say who is
    /// writing it, so that a cache in a folder shared by several machines (a cluster) removes only the
    /// temporaries of processes that are known to be gone (see <see cref="TryGetWriter"/>).
    /// </summary>
    /// <param name="finalPath">The path the file will be renamed to.</param>
    public static string TemporaryNameFor(string finalPath) =>
        $"{finalPath}{Marker}{Environment.ProcessId}@{HostName}-{Guid.NewGuid():N}";

    /// <summary>This machine's name as it appears in temporary names (characters other than letters, digits, '.' and '_' become '_').</summary>
    public static string HostName { get; } = string.Concat(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' ? c : '_'));

    /// <summary>
    /// Which process wrote a temporary file: its process id and, for names made by this version, its
    /// host name (<c>null</c> for names without one, which older versions made on the local machine).
    /// </summary>
    /// <param name="path">A temporary file path.</param>
    /// <param name="processId">The writer's process id.</param>
    /// <param name="host">The writer's host name, or <c>null</c> if the name has none.</param>
    /// <returns>Whether <paramref name="path"/> is a temporary name with a readable process id.</returns>
    public static bool TryGetWriter(string path, out int processId, out string? host)
    {
        processId = 0;
        host = null;
        var name = Path.GetFileName(path);
        var at = name.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at < 0) return false;
        var rest = name[(at + Marker.Length)..];
        var dash = rest.LastIndexOf('-');
        if (dash <= 0) return false;
        var owner = rest[..dash];
        var sign = owner.IndexOf('@');
        if (sign >= 0)
        {
            host = owner[(sign + 1)..];
            owner = owner[..sign];
        }
        return int.TryParse(owner, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out processId);
    }

    /// <summary>Whether <paramref name="path"/> is a temporary file left by an interrupted write.</summary>
    /// <param name="path">A file path.</param>
    public static bool IsTemporary(string path) => Path.GetFileName(path).Contains(Marker, StringComparison.Ordinal);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
