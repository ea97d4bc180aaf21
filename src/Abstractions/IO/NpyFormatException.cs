namespace RepLens.Abstractions.IO;

/// <summary>
/// A <c>.npy</c> file cannot be read as asked: bad magic, unsupported version or dtype, big-endian
/// data, a malformed header, a shape that does not match the data, truncated data. The message names
/// the file and the problem; <see cref="FilePath"/> and <see cref="Problem"/> hold them separately.
/// </summary>
public sealed class NpyFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="problem">What is wrong, and what was expected.</param>
    public NpyFormatException(string filePath, string problem)
        : base($"{filePath}: {problem}")
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
