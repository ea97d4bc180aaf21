using System.Globalization;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;

namespace RepLens.Host.Data;

/// <summary>
/// Reads RDMs from <c>.npy</c> files the way scripts write them: a square (N × N) matrix (symmetric,
/// zero diagonal) or a condensed vector of N(N−1)/2 values in SciPy's <c>pdist</c> order. Stimulus
/// ids are the row numbers unless given.
/// </summary>
internal static class RdmFile
{
    public const double SymmetryTolerance = 1e-6;

    public static Rdm Read(string path, IReadOnlyList<string>? ids = null)
    {
        var a = Npy.ReadFloat64(path);
        return FromArray(a.Data, a.Shape, path, ids);
    }

    public static Rdm FromArray(double[] data, IReadOnlyList<long> shape, string source, IReadOnlyList<string>? ids = null)
    {
        if (shape.Count == 2)
        {
            if (shape[0] != shape[1])
                throw new InvalidDataException($"{source}: an RDM must be square (N × N) or condensed (N(N−1)/2 values); found shape ({shape[0]}, {shape[1]}).");
            int n = checked((int)shape[0]);
            var values = new double[(long)n * (n - 1) / 2];
            long k = 0;
            for (int i = 0; i < n; i++)
            {
                var d = data[(long)i * n + i];
                if (!double.IsNaN(d) && Math.Abs(d) > SymmetryTolerance)
                    throw new InvalidDataException($"{source}: diagonal entry ({i}, {i}) is {d.ToString("G6", CultureInfo.InvariantCulture)}; an RDM has zeros on its diagonal.");
                for (int j = i + 1; j < n; j++)
                {
                    double u = data[(long)i * n + j], l = data[(long)j * n + i];
                    if (!(double.IsNaN(u) && double.IsNaN(l)) && !(Math.Abs(u - l) <= SymmetryTolerance * Math.Max(1, Math.Abs(u))))
                        throw new InvalidDataException($"{source}: not symmetric: ({i}, {j}) = {u.ToString("G6", CultureInfo.InvariantCulture)} but ({j}, {i}) = {l.ToString("G6", CultureInfo.InvariantCulture)}.");
                    values[k++] = u;
                }
            }
            return new Rdm(ids ?? RowIds(n), values, "file");
        }
        if (shape.Count == 1)
        {
            long length = shape[0];
            int n = (int)Math.Round((1 + Math.Sqrt(1 + 8.0 * length)) / 2);
            if ((long)n * (n - 1) / 2 != length || n < 2)
                throw new InvalidDataException($"{source}: {length} values is not a condensed RDM (N(N−1)/2 values for some N ≥ 2).");
            return new Rdm(ids ?? RowIds(n), data, "file");
        }
        throw new InvalidDataException($"{source}: an RDM is a 2-D (N × N) or 1-D condensed array; found {shape.Count} dimensions.");
    }

    public static IReadOnlyList<string> RowIds(int n) => Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
}
