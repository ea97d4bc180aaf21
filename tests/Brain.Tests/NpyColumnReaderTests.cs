using RepLens.Abstractions.IO;
using RepLens.Plugins.Brain.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Brain.Tests;

public sealed class NpyColumnReaderTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(false, 3000)]
    public void Read_RandomRowsAndColumns_MatchNaiveIndexing(bool fortran, int gapScale)
    {
        using var dir = new TempDir();
        int rows = 9, cols = 5000;
        var rng = new Random(3);
        var data = Enumerable.Range(0, rows * cols).Select(_ => (float)rng.NextDouble()).ToArray();
        var path = dir.File("m.npy");
        if (fortran) NpyTestFiles.WriteFortranFloat32(path, data, rows, cols);
        else Npy.Write(path, data, [rows, cols]);

        // Columns with small and large gaps, so that several runs are read.
        var columns = Enumerable.Range(0, 40).Select(i => i * i * gapScale % cols).Distinct().Order().ToArray();
        int[] rowSel = [8, 0, 3, 3];
        using var reader = NpyColumnReader.Open(path);
        int stride = columns.Length + 2;
        var dst = new float[rowSel.Length * stride];
        reader.Read(rowSel, columns, dst, stride, 2);
        for (int i = 0; i < rowSel.Length; i++)
        {
            Assert.Equal(0f, dst[i * stride]);
            for (int j = 0; j < columns.Length; j++)
                Assert.Equal(data[rowSel[i] * cols + columns[j]], dst[i * stride + 2 + j]);
        }
    }

    [Fact]
    public void Runs_GroupsByGap()
    {
        Assert.Equal([(0, 3), (3, 5)], NpyColumnReader.Runs([1, 2, 10, 100, 101], 20));
        Assert.Equal([(0, 1)], NpyColumnReader.Runs([7], 1));
    }

    [Fact]
    public void Read_UnsortedColumns_Throws()
    {
        using var dir = new TempDir();
        Npy.Write(dir.File("m.npy"), new float[6], [2, 3]);
        using var reader = NpyColumnReader.Open(dir.File("m.npy"));
        Assert.Throws<ArgumentException>(() => reader.Read([0], [2, 1], new float[2], 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Read([0], [3], new float[1], 1, 0));
    }
}
