using System.Globalization;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Rsa.Rdms;

namespace RepLens.Host.Data;

/// <summary>
/// Reads RDMs from <c>.npy</c> files the way scripts write them: a square (N × N) matrix (symmetric,
/// zero diagonal) or a condensed vector of N(N−1)/2 values in SciPy's <c>pdist</c> order. Stimulus
/// ids are the row numbers unless given.
/// </summary>
internal static class RdmFile
{
    /// <summary>Allowed asymmetry of a square file, relative to its largest value (files written as float32 round).</summary>
    public const double SymmetryTolerance = 1e-6;

    public static Rdm Read(string path, IReadOnlyList<string>? ids = null)
    {
        var a = Npy.ReadFloat64(path);
        return FromArray(a.Data, a.Shape, path, ids);
    }

    public static Rdm FromArray(double[] data, IReadOnlyList<long> shape, string source, IReadOnlyList<string>? ids = null)
    {
        try
        {
            switch (shape.Count)
            {
                case 2 when shape[0] == shape[1]:
                    int n = checked((int)shape[0]);
                    return new Rdm(ids ?? RowIds(n), SquareForm.ToCondensed(data, n, SymmetryTolerance), "file");
                case 1:
                    return new Rdm(ids ?? RowIds(SquareForm.CountOf(shape[0])), data, "file");
                default:
                    throw new ArgumentException($"an RDM is square (N × N) or condensed (N(N−1)/2 values); found shape ({string.Join(", ", shape)}).");
            }
        }
        catch (ArgumentException e)
        {
            var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new InvalidDataException($"{source}: {message}", e);
        }
    }

    public static IReadOnlyList<string> RowIds(int n) => Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
}
