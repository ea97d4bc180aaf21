using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Rsa.Tests;

/// <summary>Reference values written by tools/fixtures/make_rsa_fixtures.py (SciPy 1.10 / NumPy 1.24).</summary>
internal static class RsaFixtures
{
    public static string Path(string name) => Repo.Fixture("rsa", name + ".npy");

    public static double[] Vector(string name) => Npy.ReadFloat64(Path(name)).Data;

    public static NpyArray<double> Array(string name) => Npy.ReadFloat64(Path(name));

    public static string[] Ids(int n) => Enumerable.Range(0, n).Select(i => $"s{i:D3}").ToArray();

    public static Rdm Rdm(string name)
    {
        var v = Vector(name);
        int n = (int)Math.Round((1 + Math.Sqrt(1 + 8.0 * v.Length)) / 2);
        return new Rdm(Ids(n), v, name);
    }

    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double absolute, double relative = 0)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            if (double.IsNaN(expected[i])) { Assert.True(double.IsNaN(actual[i]), $"[{i}]: expected NaN, got {actual[i]}"); continue; }
            double tol = absolute + relative * Math.Abs(expected[i]);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"[{i}]: expected {expected[i]:R}, got {actual[i]:R} (|Δ| = {Math.Abs(expected[i] - actual[i]):E2} > {tol:E2})");
        }
    }
}

/// <summary>An in-memory row-major float64 matrix, for float64 test inputs.</summary>
internal sealed class DoubleMatrix(int rows, int columns, double[] data) : IFeatureMatrix
{
    public int Rows => rows;

    public long Columns => columns;

    public double[] Data => data;

    public static DoubleMatrix From(NpyArray<double> a) => new(a.Dimension(0), a.Dimension(1), a.Data);

    public void ReadColumns(long start, int count, Span<float> destination)
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < count; c++) destination[r * count + c] = (float)data[r * columns + start + c];
    }

    public void ReadColumns(long start, int count, Span<double> destination)
    {
        for (int r = 0; r < rows; r++)
            data.AsSpan(r * columns + (int)start, count).CopyTo(destination.Slice(r * count, count));
    }

    public DoubleMatrix SelectRows(IReadOnlyList<int> order)
    {
        var d = new double[order.Count * columns];
        for (int i = 0; i < order.Count; i++) data.AsSpan(order[i] * columns, columns).CopyTo(d.AsSpan(i * columns));
        return new DoubleMatrix(order.Count, columns, d);
    }
}
