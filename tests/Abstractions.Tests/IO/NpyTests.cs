using RepLens.Abstractions.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Abstractions.Tests.IO;

/// <summary>Reads files written by NumPy 1.24 (tools/fixtures/make_npy_fixtures.py) and round-trips our writes.</summary>
public sealed class NpyTests
{
    private static string F(string name) => Repo.Fixture("npy", name);

    [Theory]
    [InlineData("int8", NpyDataType.Int8)]
    [InlineData("int16", NpyDataType.Int16)]
    [InlineData("int32", NpyDataType.Int32)]
    [InlineData("int64", NpyDataType.Int64)]
    public void ReadFloat64_SignedIntegerDtype_ReturnsExactValues(string dtype, NpyDataType expected)
    {
        var a = Npy.ReadFloat64(F($"dtype_{dtype}.npy"));
        Assert.Equal(expected, a.SourceType);
        Assert.Equal(new long[] { 3, 4 }, a.Shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (double)(k - 5)), a.Data);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (long)(k - 5)), Npy.ReadInt64(F($"dtype_{dtype}.npy")).Data);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (float)(k - 5)), Npy.ReadFloat32(F($"dtype_{dtype}.npy")).Data);
    }

    [Theory]
    [InlineData("uint8", NpyDataType.UInt8)]
    [InlineData("uint16", NpyDataType.UInt16)]
    [InlineData("uint32", NpyDataType.UInt32)]
    [InlineData("uint64", NpyDataType.UInt64)]
    public void ReadFloat64_UnsignedIntegerDtype_ReturnsExactValues(string dtype, NpyDataType expected)
    {
        var a = Npy.ReadFloat64(F($"dtype_{dtype}.npy"));
        Assert.Equal(expected, a.SourceType);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (double)k), a.Data);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (long)k), Npy.ReadInt64(F($"dtype_{dtype}.npy")).Data);
    }

    [Theory]
    [InlineData("float16", NpyDataType.Float16)]
    [InlineData("float32", NpyDataType.Float32)]
    [InlineData("float64", NpyDataType.Float64)]
    public void ReadFloat32_FloatDtype_ReturnsExactValues(string dtype, NpyDataType expected)
    {
        var a = Npy.ReadFloat32(F($"dtype_{dtype}.npy"));
        Assert.Equal(expected, a.SourceType);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (k - 5) * 0.25f), a.Data);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (k - 5) * 0.25), Npy.ReadFloat64(F($"dtype_{dtype}.npy")).Data);
    }

    [Fact]
    public void ReadFloat32_Bool_ReturnsZeroOne()
    {
        var a = Npy.ReadFloat32(F("dtype_bool.npy"));
        Assert.Equal(NpyDataType.Bool, a.SourceType);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => k % 3 == 0 ? 1f : 0f), a.Data);
    }

    [Fact]
    public void ReadInt64_Extremes_AreExact()
    {
        var a = Npy.ReadInt64(F("int64_extremes.npy"));
        Assert.Equal(new[] { long.MinValue, long.MaxValue, 0, -1, (1L << 53) + 1 }, a.Data);
    }

    [Fact]
    public void ReadInt64_UInt64BeyondRange_Throws()
    {
        var ex = Assert.Throws<NpyFormatException>(() => Npy.ReadInt64(F("uint64_max.npy")));
        Assert.Contains("uint64_max.npy", ex.Message);
        Assert.Contains("element 1", ex.Message);
        Assert.Equal(18446744073709551615.0, Npy.ReadFloat64(F("uint64_max.npy")).Data[1]);
    }

    [Fact]
    public void ReadInt64_IntegralFloats_AreAccepted()
    {
        Assert.Equal(new long[] { -3, 0, 7, 1L << 62 }, Npy.ReadInt64(F("float64_integral.npy")).Data);
    }

    [Fact]
    public void ReadInt64_FractionalFloat_ThrowsNamingElement()
    {
        var ex = Assert.Throws<NpyFormatException>(() => Npy.ReadInt64(F("float64_fraction.npy")));
        Assert.Contains("element 1", ex.Message);
        Assert.Contains("2.5", ex.Message);
    }

    [Fact]
    public void ReadFloat64_Specials_ArePreservedBitForBit()
    {
        var a = Npy.ReadFloat64(F("float64_specials.npy")).Data;
        double[] expected = [Math.PI, 1e-300, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300];
        Assert.True(double.IsNaN(a[3]));
        a[3] = expected[3] = 0; // NumPy's NaN is the positive quiet NaN, .NET's the negative one
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), a.Select(BitConverter.DoubleToInt64Bits));
        expected[3] = double.NaN;
        var f = Npy.ReadFloat32(F("float64_specials.npy")).Data;
        Assert.Equal(expected.Select(v => (float)v), f);
    }

    [Fact]
    public void ReadFloat64_Fortran2d_ReturnsCOrder()
    {
        var h = Npy.ReadHeader(F("fortran_2d_float64.npy"));
        Assert.True(h.FortranOrder);
        var a = Npy.ReadFloat64(F("fortran_2d_float64.npy"));
        Assert.Equal(new long[] { 3, 4 }, a.Shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (double)k), a.Data);
    }

    [Fact]
    public void ReadFloat32_Fortran3d_ReturnsCOrder()
    {
        var a = Npy.ReadFloat32(F("fortran_3d_float32.npy"));
        Assert.Equal(new long[] { 2, 3, 4 }, a.Shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(k => (float)k), a.Data);
    }

    [Theory]
    [InlineData("dtype_float32.npy", 1)]
    [InlineData("version2.npy", 2)]
    [InlineData("version3.npy", 3)]
    public void ReadHeader_EachFormatVersion_IsRead(string file, int version)
    {
        var h = Npy.ReadHeader(F(file));
        Assert.Equal(version, h.MajorVersion);
        Assert.Equal(NpyDataType.Float32, h.DataType);
        Assert.Equal(new long[] { 3, 4 }, h.Shape);
        Assert.Equal(0, h.DataOffset % 64);
        Assert.Equal(12, h.ElementCount);
    }

    [Theory]
    [InlineData("version2.npy")]
    [InlineData("version3.npy")]
    public void ReadFloat32_Version2And3_ReturnsValues(string file)
    {
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (float)k), Npy.ReadFloat32(F(file)).Data);
    }

    [Fact]
    public void Read_ScalarVectorAndEmpty_HaveTheirShapes()
    {
        var s = Npy.ReadFloat64(F("scalar.npy"));
        Assert.Empty(s.Shape);
        Assert.Equal(new[] { 3.5 }, s.Data);
        var v = Npy.ReadInt64(F("vector_int32.npy"));
        Assert.Equal(new long[] { 6 }, v.Shape);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5 }, v.Data);
        var e = Npy.ReadFloat32(F("empty_float32.npy"));
        Assert.Equal(new long[] { 0, 5 }, e.Shape);
        Assert.Empty(e.Data);
    }

    [Theory]
    [InlineData("bad_magic.npy", "magic")]
    [InlineData("not_npy.npy", "magic")]
    [InlineData("empty_file.npy", "magic")]
    [InlineData("big_endian.npy", "big-endian")]
    [InlineData("truncated.npy", "truncated")]
    [InlineData("trailing_bytes.npy", "shape/size mismatch")]
    [InlineData("claims_more.npy", "truncated")]
    [InlineData("negative_dimension.npy", "negative dimension")]
    [InlineData("missing_shape.npy", "missing key")]
    [InlineData("malformed_header.npy", "malformed header")]
    [InlineData("bad_version.npy", "version 4.0")]
    [InlineData("header_truncated.npy", "truncated")]
    [InlineData("complex64.npy", "complex")]
    [InlineData("object.npy", "Python objects")]
    [InlineData("unicode.npy", "strings")]
    [InlineData("structured.npy", "structured")]
    [InlineData("datetime.npy", "datetime")]
    public void Read_BadFile_ThrowsNamingFileAndProblem(string file, string problem)
    {
        var path = F(file);
        foreach (var read in new Action[] { () => Npy.ReadHeader(path), () => Npy.ReadFloat32(path), () => Npy.ReadFloat64(path), () => Npy.ReadInt64(path), () => NpyMatrix.Open(path).Dispose() })
        {
            var ex = Assert.Throws<NpyFormatException>(read);
            Assert.Equal(path, ex.FilePath);
            Assert.Contains(file, ex.Message);
            Assert.Contains(problem, ex.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Read_ClaimsMoreData_FailsBeforeAllocating()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<NpyFormatException>(() => Npy.ReadFloat64(F("claims_more.npy")));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Read_MissingFile_ThrowsNamingIt()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => Npy.ReadFloat32("/nonexistent/x.npy"));
        Assert.Contains("/nonexistent/x.npy", ex.Message);
    }

    [Fact]
    public void Write_EachType_RoundTrips()
    {
        using var dir = new TempDir();
        Npy.Write(dir.File("f4.npy"), new[] { 1.5f, -2f, float.NaN, 4f, 5f, 6f }, [2, 3]);
        Npy.Write(dir.File("f8.npy"), new[] { Math.PI, -0.0 }, [2]);
        Npy.Write(dir.File("i4.npy"), new[] { int.MinValue, int.MaxValue }, [2, 1]);
        Npy.Write(dir.File("i8.npy"), new[] { long.MinValue, long.MaxValue, 3 }, [3]);
        Npy.Write(dir.File("u1.npy"), new byte[] { 0, 255 }, [2]);
        Npy.Write(dir.File("b1.npy"), new[] { true, false, true }, [3]);
        Npy.Write(dir.File("scalar.npy"), new[] { 2.0 }, []);

        var f4 = Npy.ReadFloat32(dir.File("f4.npy"));
        Assert.Equal(new long[] { 2, 3 }, f4.Shape);
        Assert.Equal(new[] { 1.5f, -2f, float.NaN, 4f, 5f, 6f }, f4.Data);
        Assert.Equal(new[] { Math.PI, -0.0 }, Npy.ReadFloat64(dir.File("f8.npy")).Data);
        Assert.Equal(NpyDataType.Int32, Npy.ReadHeader(dir.File("i4.npy")).DataType);
        Assert.Equal(new long[] { int.MinValue, int.MaxValue }, Npy.ReadInt64(dir.File("i4.npy")).Data);
        Assert.Equal(new[] { long.MinValue, long.MaxValue, 3 }, Npy.ReadInt64(dir.File("i8.npy")).Data);
        Assert.Equal(new long[] { 0, 255 }, Npy.ReadInt64(dir.File("u1.npy")).Data);
        Assert.Equal(NpyDataType.Bool, Npy.ReadHeader(dir.File("b1.npy")).DataType);
        Assert.Equal(new long[] { 1, 0, 1 }, Npy.ReadInt64(dir.File("b1.npy")).Data);
        Assert.Empty(Npy.ReadHeader(dir.File("scalar.npy")).Shape);
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), AtomicFile.IsTemporary);
    }

    [Fact]
    public void Write_SameArrayAsNumPy_IsByteIdentical()
    {
        // NumPy 1.24's np.save of ((k - 5) * 0.25).astype(float32).reshape(3, 4).
        using var dir = new TempDir();
        Npy.Write(dir.File("x.npy"), Enumerable.Range(0, 12).Select(k => (k - 5) * 0.25f).ToArray(), [3, 4]);
        Assert.Equal(File.ReadAllBytes(F("dtype_float32.npy")), File.ReadAllBytes(dir.File("x.npy")));
    }

    [Fact]
    public void Write_ShapeDoesNotMatchData_Throws()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<ArgumentException>(() => Npy.Write(dir.File("x.npy"), new float[6], [4, 2]));
        Assert.Contains("(4, 2)", ex.Message);
        Assert.False(File.Exists(dir.File("x.npy")));
    }

    [Fact]
    public void Write_ExistingFile_IsReplaced()
    {
        using var dir = new TempDir();
        Npy.Write(dir.File("x.npy"), new[] { 1.0, 2.0, 3.0 }, [3]);
        Npy.Write(dir.File("x.npy"), new[] { 4.0 }, [1]);
        Assert.Equal(new[] { 4.0 }, Npy.ReadFloat64(dir.File("x.npy")).Data);
    }
}
