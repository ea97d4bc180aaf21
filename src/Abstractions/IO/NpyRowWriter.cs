using System.Runtime.InteropServices;

namespace RepLens.Abstractions.IO;

/// <summary>
/// Streams an (N × P) float32 matrix into a <c>.npy</c> file one row at a time, with N and P known up
/// front (e.g. layer activations as a forward pass produces them), so the matrix is never held in
/// memory. Rows go to a temporary file beside <see cref="FilePath"/>; <see cref="Commit"/> renames it
/// into place once all N rows are written. Disposing without committing deletes the temporary file,
/// so an interrupted extraction never leaves a half-written matrix under the final name.
/// </summary>
public sealed class NpyRowWriter : IDisposable
{
    private readonly AtomicFileWriter _writer;

    /// <summary>Starts the file (header included).</summary>
    /// <param name="path">The final path; an existing file is replaced on <see cref="Commit"/>.</param>
    /// <param name="rows">N, the number of rows that will be appended.</param>
    /// <param name="columns">P, the length of every row.</param>
    /// <param name="shape">
    /// The shape written to the header when the rows are slices of a higher-rank array in C order, e.g.
    /// [units, constants, C, H, W] for N = units × constants rows of P = C × H × W values; its product must be
    /// N × P. <c>null</c> writes [N, P].
    /// </param>
    public NpyRowWriter(string path, int rows, int columns, IReadOnlyList<long>? shape = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (shape is not null && shape.Aggregate(1L, (a, d) => a * d) != (long)rows * columns)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] does not hold {rows} rows of {columns} values.", nameof(shape));
        Rows = rows;
        Columns = columns;
        _writer = new AtomicFileWriter(path, 1 << 20);
        try
        {
            _writer.Stream.Write(NpyHeader.Encode(NpyDataType.Float32, shape?.ToArray() ?? [rows, columns], fortranOrder: false));
        }
        catch
        {
            _writer.Dispose();
            throw;
        }
    }

    /// <summary>The final path.</summary>
    public string FilePath => _writer.FinalPath;

    /// <summary>N, the number of rows.</summary>
    public int Rows { get; }

    /// <summary>P, the number of columns.</summary>
    public int Columns { get; }

    /// <summary>Rows appended so far.</summary>
    public int RowsWritten { get; private set; }

    /// <summary>Appends the next row.</summary>
    /// <param name="row">P values.</param>
    /// <exception cref="ArgumentException">The row does not have P values.</exception>
    /// <exception cref="InvalidOperationException">All N rows are already written.</exception>
    public void AppendRow(ReadOnlySpan<float> row)
    {
        if (row.Length != Columns)
            throw new ArgumentException($"{FilePath}: row {RowsWritten} has {row.Length} values; the matrix has {Columns} columns.", nameof(row));
        if (RowsWritten >= Rows)
            throw new InvalidOperationException($"{FilePath}: all {Rows} rows are already written.");
        _writer.Stream.Write(MemoryMarshal.AsBytes(row));
        RowsWritten++;
    }

    /// <summary>Flushes the file to disk and renames it to <see cref="FilePath"/>.</summary>
    /// <exception cref="InvalidOperationException">Fewer than N rows were appended (the temporary file is deleted).</exception>
    public void Commit()
    {
        if (RowsWritten != Rows)
        {
            _writer.Dispose();
            throw new InvalidOperationException($"{FilePath}: only {RowsWritten} of {Rows} rows were written; nothing was saved.");
        }
        _writer.Commit();
    }

    /// <summary>Deletes the temporary file unless <see cref="Commit"/> succeeded.</summary>
    public void Dispose() => _writer.Dispose();
}
