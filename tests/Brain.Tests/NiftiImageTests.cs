using RepLens.Abstractions.IO;
using RepLens.Plugins.Brain.IO;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Brain.Tests;

/// <summary>Against files written by nibabel (tools/fixtures/make_brain_fixtures.py) and NumPy's x-fastest flatten of their data.</summary>
public sealed class NiftiImageTests
{
    private static string F(string name) => Repo.Fixture("brain", "nifti", name);

    [Theory]
    [InlineData("labels_int16.nii.gz")]
    [InlineData("labels_int16.nii")]
    public void Read_Int16Labels_ValuesInXFastestOrder(string file)
    {
        var img = NiftiImage.Read(F(file));
        Assert.Equal([5, 4, 3], img.Dimensions);
        Assert.Equal(NiftiDataType.Int16, img.DataType);
        var want = Npy.ReadInt64(F("labels_int16_xfastest.npy")).Data;
        Assert.Equal(want.Select(v => (int)v), img.ToLabels());
    }

    [Fact]
    public void Read_SclSlopeAndInter_Applied()
    {
        var img = NiftiImage.Read(F("scaled_uint8.nii"));
        Assert.Equal(NiftiDataType.UInt8, img.DataType);
        Assert.Equal(2.0, img.ScaleSlope);
        Assert.Equal(1.0, img.ScaleIntercept);
        Assert.Equal(Npy.ReadFloat64(F("scaled_uint8_xfastest.npy")).Data, img.Values);
    }

    [Fact]
    public void Read_BigEndianFloat32_Values()
    {
        var img = NiftiImage.Read(F("float32_bigendian.nii"));
        Assert.Equal([4, 3, 2], img.Dimensions);
        Assert.Equal(Npy.ReadFloat64(F("float32_bigendian_xfastest.npy")).Data, img.Values);
    }

    [Fact]
    public void Read_FourDimensions_KeptAndRefusedAsMask()
    {
        var img = NiftiImage.Read(F("four_d.nii"));
        Assert.Equal([2, 2, 2, 3], img.Dimensions);
    }

    [Fact]
    public void ToLabels_FractionalValues_ThrowsNamingVoxelAndFile()
    {
        var e = Assert.Throws<InvalidDataException>(() => NiftiImage.Read(F("fractional.nii")).ToLabels());
        Assert.Contains("fractional.nii", e.Message);
        Assert.Contains("0.5", e.Message);
    }

    [Theory]
    [InlineData("nifti2.nii", "NIfTI-2")]
    [InlineData("pair.hdr", ".hdr/.img")]
    [InlineData("complex64.nii", "complex64")]
    [InlineData("truncated.nii.gz", "truncated")]
    [InlineData("not_nifti.nii", "sizeof_hdr")]
    public void Read_UnsupportedOrBadFile_ClearMessage(string file, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => NiftiImage.Read(F(file)));
        Assert.Contains(F(file), e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_MissingFile_FileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => NiftiImage.Read(F("nope.nii")));
    }

    [Fact]
    public void Read_CorruptGzip_SaysSo()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.nii.gz");
        var bytes = File.ReadAllBytes(F("labels_int16.nii.gz"));
        for (int i = 20; i < bytes.Length - 8; i++) bytes[i] ^= 0x5a;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => NiftiImage.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Read_ThreeDNpyInCAndFortranOrder_SameAsNifti()
    {
        // A mask saved from nibabel's get_fdata() is (X, Y, Z); RepLens flattens it x fastest, like the NIfTI.
        var nifti = NiftiImage.Read(F("labels_int16.nii.gz")).ToLabels();
        foreach (var name in new[] { "labels_xyz_c.npy", "labels_xyz_f.npy" })
        {
            var mask = RepLens.Plugins.Brain.Common.LabelVolume.Read(F(name));
            Assert.Equal([5, 4, 3], mask.SpatialDimensions!);
            Assert.Equal(nifti, mask.Labels);
        }
        Assert.Equal(nifti, RepLens.Plugins.Brain.Common.LabelVolume.Read(F("labels_int16.nii")).Labels);
        var e = Assert.Throws<InvalidDataException>(() => RepLens.Plugins.Brain.Common.LabelVolume.Read(F("four_d.nii")));
        Assert.Contains("must be 3-D", e.Message);
    }
}
