using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Abstractions.Tests.IO;

public sealed class NpyMatrixTests
{
    private static string F(string name) => Repo.Fixture("npy", name);

    public static TheoryData<string, bool> Files()
    {
        var data = new TheoryData<string, bool>();
        foreach (var f in new[] { "matrix_float32.npy", "matrix_int8.npy", "fortran_2d_int16.npy" })
            foreach (var mapped in new[] { false, true })
                data.Add(f, mapped);
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ReadColumns_AnyBlock_MatchesWholeArray(string file, bool memoryMapped)
    {
        var whole = Npy.ReadFloat64(F(file));
        using var m = NpyMatrix.Open(F(file), memoryMapped);
        Assert.Equal(5, m.Rows);
        Assert.Equal(7, m.Columns);
        Assert.Equal(memoryMapped, m.MemoryMapped);
        foreach (var (start, count) in new[] { (0, 7), (0, 1), (2, 3), (6, 1), (3, 0), (1, 6) })
        {
            var f = new float[5 * count];
            var d = new double[5 * count];
            m.ReadColumns(start, count, f);
            m.ReadColumns(start, count, d);
            for (int r = 0; r < 5; r++)
                for (int c = 0; c < count; c++)
                {
                    Assert.Equal(whole.Data[r * 7 + start + c], d[r * count + c]);
                    Assert.Equal((float)whole.Data[r * 7 + start + c], f[r * count + c]);
                }
        }
    }

    [Fact]
    public void ReadColumns_Int8Values_AreExact()
    {
        using var m = NpyMatrix.Open(F("matrix_int8.npy"));
        var d = new double[35];
        m.ReadColumns(0, 7, d);
        Assert.Equal(Enumerable.Range(0, 35).Select(k => (double)(k - 17)), d);
    }

    [Fact]
    public void ReadColumns_OutsideMatrix_Throws()
    {
        using var m = NpyMatrix.Open(F("matrix_float32.npy"));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.ReadColumns(5, 3, new float[15]));
        Assert.Throws<ArgumentException>(() => m.ReadColumns(0, 3, new float[14]));
    }

    [Fact]
    public void Open_NotTwoDimensional_ThrowsNamingShape()
    {
        var ex = Assert.Throws<NpyFormatException>(() => NpyMatrix.Open(F("fortran_3d_float32.npy")));
        Assert.Contains("2-D", ex.Message);
        Assert.Contains("(2, 3, 4)", ex.Message);
    }

    [Fact]
    public void ReadColumns_AfterDispose_Throws()
    {
        var m = NpyMatrix.Open(F("matrix_float32.npy"), memoryMapped: true);
        m.Dispose();
        Assert.Throws<ObjectDisposedException>(() => m.ReadColumns(0, 1, new float[5]));
    }

    [Fact]
    public void ReadColumns_LargeFortranBlock_SpansSeveralGroups()
    {
        // 3 × 600,000 float32 in Fortran order is more than one 4 MB read group.
        using var dir = new TempDir();
        const int rows = 3, cols = 600_000;
        var path = dir.File("f.npy");
        var header = NpyHeader.Encode(NpyDataType.Float32, [rows, cols], fortranOrder: true);
        using (var fs = File.Create(path))
        {
            fs.Write(header);
            var col = new float[rows];
            for (int c = 0; c < cols; c++)
            {
                for (int r = 0; r < rows; r++) col[r] = r * 1_000_000f + c;
                fs.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(col.AsSpan()));
            }
        }
        using var m = NpyMatrix.Open(path);
        var block = new float[rows * (cols - 10)];
        m.ReadColumns(5, cols - 10, block);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols - 10; c += 9973)
                Assert.Equal(r * 1_000_000f + c + 5, block[r * (cols - 10) + c]);
    }
}
