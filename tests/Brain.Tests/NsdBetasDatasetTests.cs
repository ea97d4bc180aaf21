using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Plugins.Brain.Nsd;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Brain.Tests;

/// <summary>
/// Against tests/fixtures/brain/nsd, written by h5py with expected responses computed by NumPy
/// (tools/fixtures/make_brain_fixtures.py): per-session z-scoring (ddof 0) over all trials, then the mean
/// over repetitions, voxels in x-fastest order.
/// </summary>
public sealed class NsdBetasDatasetTests
{
    private static string Fixture => Repo.Fixture("brain", "nsd");

    private static float[] Expected(string tag, string roi, string hemi) => Npy.ReadFloat32(Path.Combine(Fixture, $"expected_{tag}_{roi}_{hemi}.npy")).Data;

    private static int Columns(string tag, string roi, string hemi) => Npy.ReadFloat32(Path.Combine(Fixture, $"expected_{tag}_{roi}_{hemi}.npy")).Dimension(1);

    private static float[] Concatenate(string tag, string roi, int rows)
    {
        var l = Expected(tag, roi, "lh");
        var r = Expected(tag, roi, "rh");
        int cl = Columns(tag, roi, "lh"), cr = Columns(tag, roi, "rh");
        var all = new float[rows * (cl + cr)];
        for (int i = 0; i < rows; i++)
        {
            l.AsSpan(i * cl, cl).CopyTo(all.AsSpan(i * (cl + cr)));
            r.AsSpan(i * cr, cr).CopyTo(all.AsSpan(i * (cl + cr) + cl));
        }
        return all;
    }

    private static void AssertClose(float[] want, float[] got, double tolerance = 1e-5)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(want[i] - got[i]) <= tolerance * (1 + Math.Abs(want[i])), $"element {i}: expected {want[i]}, got {got[i]}");
    }

    [Theory]
    [InlineData("V1v")]
    [InlineData("V1d")]
    [InlineData("hV4")]
    public void Load_ZScoredPerSessionThenAveraged_MatchesNumPy(string roi)
    {
        using var ds = NsdBetasDataset.Open(Fixture, Options.Of("{'scale': 300}"));
        var ids = CsvTable.Read(Path.Combine(Fixture, "expected_ids.csv"));
        Assert.Equal(ids.Rows.Select(r => r[0]), ds.StimulusIds("subj01"));
        Assert.Equal(ids.Rows.Select(r => int.Parse(r[1])), ds.Repetitions("subj01"));
        foreach (var hemi in new[] { "lh", "rh" })
        {
            var got = ds.Load("subj01", roi, hemi == "lh" ? Hemisphere.Left : Hemisphere.Right)!;
            Assert.Equal(Columns("zscored", roi, hemi), got.Responses.Columns);
            AssertClose(Expected("zscored", roi, hemi), got.Responses.Data);
        }
        var both = ds.Load("subj01", roi, null)!;
        AssertClose(Concatenate("zscored", roi, ids.Rows.Count), both.Responses.Data);
    }

    [Theory]
    [InlineData("V1v")]
    [InlineData("hV4")]
    public void Load_WithoutZScoring_ScaledMeanOfRepetitions(string roi)
    {
        using var ds = NsdBetasDataset.Open(Fixture, Options.Of("{'scale': 300, 'zscore': false}"));
        var got = ds.Load("subj01", roi, Hemisphere.Left)!;
        AssertClose(Expected("raw", roi, "lh"), got.Responses.Data);
        Assert.Empty(got.Warnings);
    }

    [Fact]
    public void Load_VoxelConstantInASession_DroppedWithWarningWhenZScoring()
    {
        // Voxel (0, 0, 0) is 0 on every trial of session 1 and belongs to V1v (left hemisphere).
        using var ds = NsdBetasDataset.Open(Fixture, Options.Of("{'scale': 300}"));
        var got = ds.Load("subj01", "V1v", Hemisphere.Left)!;
        var voxels = Npy.ReadInt64(Path.Combine(Fixture, "expected_raw_V1v_lh_voxels.npy")).Data;
        Assert.Equal(voxels.Length - 1, got.Responses.Columns);
        var warning = Assert.Single(got.Warnings);
        Assert.Contains("dropped 1 of", warning);
        Assert.Contains("session 1", warning);
        Assert.Contains("lh voxel 0", warning);
    }

    [Fact]
    public void Load_BilateralMaskOnly_UsedForBothHemispheres_NullPerHemisphere()
    {
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        File.Delete(Path.Combine(dir.Path, "subj01", "roi", "lh.prf-visualrois.nii.gz"));
        File.Delete(Path.Combine(dir.Path, "subj01", "roi", "rh.prf-visualrois.nii.gz"));
        using var ds = NsdBetasDataset.Open(dir.Path, Options.Of("{'scale': 300}"));
        var both = ds.Load("subj01", "V1d", null)!;
        AssertClose(Expected("zscored", "V1d", "both"), both.Responses.Data);
        Assert.Null(ds.Load("subj01", "V1d", Hemisphere.Left));
    }

    [Fact]
    public void Open_Int16WithoutScale_WarnsAboutNsdScale()
    {
        using var ds = NsdBetasDataset.Open(Fixture, Options.None);
        Assert.Contains(ds.Warnings, w => w.Contains("int16") && w.Contains("\"scale\": 300"));
        // Z-scored values do not depend on the scale.
        AssertClose(Expected("zscored", "V1d", "lh"), ds.Load("subj01", "V1d", Hemisphere.Left)!.Responses.Data, 1e-4);
    }

    [Fact]
    public void Load_SurfaceBetasPerHemisphere_MatchesNaiveAverage()
    {
        var root = Path.Combine(Fixture, "surface");
        using var ds = NsdBetasDataset.Open(root, Options.Of("{'betas': '{subject}/betas/{hemi}.betas_session{session:00}.hdf5', 'zscore': false}"));
        Assert.Equal(["OFA", "FFA-1"], ds.Rois);
        var trials = CsvTable.Read(Path.Combine(root, "trials.csv"));
        foreach (var (hemi, key) in new[] { (Hemisphere.Left, "lh"), (Hemisphere.Right, "rh") })
        {
            var mask = Npy.ReadInt64(Path.Combine(root, "subj01", "roi", $"{key}.floc-faces.npy")).Data;
            var sessions = new[] { 1, 2 }.ToDictionary(s => s, s => Npy.ReadFloat32(Path.Combine(root, $"{key}_session{s:00}.npy")));
            var cols = Enumerable.Range(0, mask.Length).Where(v => mask[v] == 2).ToArray();
            var got = ds.Load("subj01", "FFA-1", hemi)!;
            var ids = ds.StimulusIds("subj01");
            for (int i = 0; i < ids.Count; i++)
            {
                var rows = trials.Rows.Where(r => r[3] == ids[i]).Select(r => (Session: int.Parse(r[1]), Trial: int.Parse(r[2]))).ToList();
                for (int j = 0; j < cols.Length; j++)
                {
                    double mean = rows.Average(t => (double)sessions[t.Session].Data[(t.Trial - 1) * 30 + cols[j]]);
                    Assert.Equal(mean, got.Responses.Data[i * cols.Length + j], 5);
                }
            }
        }
        var both = ds.Load("subj01", "OFA", null)!;
        Assert.Equal(ds.Load("subj01", "OFA", Hemisphere.Left)!.Responses.Columns + ds.Load("subj01", "OFA", Hemisphere.Right)!.Responses.Columns,
            both.Responses.Columns);
    }

    [Fact]
    public void StimulusIds_MinRepetitions_DropsRareStimuliWithWarning()
    {
        using var ds = NsdBetasDataset.Open(Fixture, Options.Of("{'scale': 300, 'minRepetitions': 3}"));
        var ids = CsvTable.Read(Path.Combine(Fixture, "expected_ids.csv"));
        var kept = ids.Rows.Where(r => int.Parse(r[1]) >= 3).Select(r => r[0]).ToList();
        Assert.Equal(kept, ds.StimulusIds("subj01"));
        Assert.Contains(ds.Warnings, w => w.Contains($"{ids.Rows.Count - kept.Count} of {ids.Rows.Count} stimuli were shown fewer than 3 times"));
        // Values are those of the full set, rows selected.
        var all = Npy.ReadFloat32(Path.Combine(Fixture, "expected_zscored_hV4_lh.npy"));
        var got = ds.Load("subj01", "hV4", Hemisphere.Left)!;
        int c = all.Dimension(1);
        for (int i = 0; i < kept.Count; i++)
        {
            int full = ids.Rows.ToList().FindIndex(r => r[0] == kept[i]);
            AssertClose(all.Data.AsSpan(full * c, c).ToArray(), got.Responses.Row(i).ToArray());
        }
    }

    [Fact]
    public void Open_TrialBeyondTheFile_ErrorNamesTableLineAndFile()
    {
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        File.AppendAllText(Path.Combine(dir.Path, "trials.csv"), "subj01,2,13,nsd-00001\n");
        var e = Assert.Throws<InvalidDataException>(() => NsdBetasDataset.Open(dir.Path, Options.None));
        Assert.Contains("trials.csv, line 26", e.Message);
        Assert.Contains("betas_session02.hdf5", e.Message);
        Assert.Contains("12 trials", e.Message);
    }

    [Fact]
    public void Open_FirstTrialZero_ShiftsRows()
    {
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        var path = Path.Combine(dir.Path, "trials.csv");
        var t = CsvTable.Read(path);
        CsvTable.Write(path, t.Header, t.Rows.Select(r => (IReadOnlyList<string>)[r[0], r[1], (int.Parse(r[2]) - 1).ToString(), r[3]]));
        using var ds = NsdBetasDataset.Open(dir.Path, Options.Of("{'scale': 300, 'firstTrial': 0}"));
        AssertClose(Expected("zscored", "V1d", "rh"), ds.Load("subj01", "V1d", Hemisphere.Right)!.Responses.Data);
    }

    [Fact]
    public void Open_MissingSessionFile_ErrorNamesIt()
    {
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        var file = Path.Combine(dir.Path, "subj01", "betas", "betas_session02.hdf5");
        File.Delete(file);
        var e = Assert.Throws<FileNotFoundException>(() => NsdBetasDataset.Open(dir.Path, Options.None));
        Assert.Contains(file, e.Message);
    }

    [Fact]
    public void Open_WrongDatasetName_ListsWhatTheFileHas()
    {
        var e = Assert.Throws<InvalidDataException>(() => NsdBetasDataset.Open(Fixture, Options.Of("{'dataset': 'data'}")));
        Assert.Contains("no dataset 'data'", e.Message);
        Assert.Contains("betas", e.Message);
    }

    [Fact]
    public void Load_MaskOfAnotherShape_ErrorNamesBothFilesAndShapes()
    {
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        var mask = Path.Combine(dir.Path, "subj01", "roi", "lh.prf-visualrois.nii.gz");
        File.Delete(mask);
        var npy = Path.Combine(dir.Path, "subj01", "roi", "lh.prf-visualrois.npy");
        Npy.Write(npy, new int[100], [100]);
        using var ds = NsdBetasDataset.Open(dir.Path, Options.None);
        var e = Assert.Throws<InvalidDataException>(() => ds.Load("subj01", "V1v", Hemisphere.Left));
        Assert.Contains(npy, e.Message);
        Assert.Contains("betas_session01.hdf5", e.Message);
        Assert.Contains("100 voxels", e.Message);
        Assert.Contains("have 120", e.Message);
    }

    [Fact]
    public void Load_MaskWithAxesReversed_ErrorSaysTranspose()
    {
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        File.Delete(Path.Combine(dir.Path, "subj01", "roi", "rh.prf-visualrois.nii.gz"));
        // (Z, Y, X) = (4, 5, 6) instead of (X, Y, Z) = (6, 5, 4).
        Npy.Write(Path.Combine(dir.Path, "subj01", "roi", "rh.prf-visualrois.npy"), new int[120], [4, 5, 6]);
        using var ds = NsdBetasDataset.Open(dir.Path, Options.None);
        var e = Assert.Throws<InvalidDataException>(() => ds.Load("subj01", "V1v", Hemisphere.Right));
        Assert.Contains("4 × 5 × 6", e.Message);
        Assert.Contains("6 × 5 × 4", e.Message);
        Assert.Contains("transpose", e.Message);
    }

    [Fact]
    public void Load_MaskAsXyzNpy_SameAsNifti()
    {
        // nibabel's get_fdata() array saved with np.save (C or Fortran order): flattened x fastest like the NIfTI.
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        var roi = Path.Combine(dir.Path, "subj01", "roi");
        var nifti = RepLens.Plugins.Brain.IO.NiftiImage.Read(Path.Combine(roi, "lh.prf-visualrois.nii.gz"));
        var labels = nifti.ToLabels();
        var xyz = new int[labels.Length];
        for (int x = 0; x < 6; x++) for (int y = 0; y < 5; y++) for (int z = 0; z < 4; z++)
            xyz[(x * 5 + y) * 4 + z] = labels[x + 6 * (y + 5 * z)];
        File.Delete(Path.Combine(roi, "lh.prf-visualrois.nii.gz"));
        Npy.Write(Path.Combine(roi, "lh.prf-visualrois.npy"), xyz, [6, 5, 4]);
        using var ds = NsdBetasDataset.Open(dir.Path, Options.Of("{'scale': 300}"));
        AssertClose(Expected("zscored", "hV4", "lh"), ds.Load("subj01", "hV4", Hemisphere.Left)!.Responses.Data);
    }

    [Fact]
    public void Open_LabelMaskWithoutMapping_ErrorAsksForOne()
    {
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        File.Delete(Path.Combine(dir.Path, "subj01", "roi", "prf-visualrois.mgz.ctab"));
        var e = Assert.Throws<InvalidDataException>(() => NsdBetasDataset.Open(dir.Path, Options.None));
        Assert.Contains("no mapping file", e.Message);
        Assert.Contains("mapping_prf-visualrois.csv", e.Message);
    }

    [Fact]
    public void Open_BinaryMaskWithoutMapping_RoiNamedAfterFile()
    {
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        var roi = Path.Combine(dir.Path, "subj01", "roi");
        var nifti = RepLens.Plugins.Brain.IO.NiftiImage.Read(Path.Combine(roi, "prf-visualrois.nii.gz"));
        var labels = nifti.ToLabels().Select(l => l == 3 ? 1 : l < 0 ? -1 : 0).ToArray();
        Npy.Write(Path.Combine(roi, "nsdgeneral.npy"), labels, [labels.Length]);
        using var ds = NsdBetasDataset.Open(dir.Path, Options.Of("{'scale': 300, 'families': ['nsdgeneral']}"));
        Assert.Equal(["nsdgeneral"], ds.Rois);
        AssertClose(Expected("zscored", "hV4", "both"), ds.Load("subj01", "nsdgeneral", null)!.Responses.Data);
    }

    [Fact]
    public void Open_TableWithoutSubjectColumn_NeedsOneSubjectOption()
    {
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        var path = Path.Combine(dir.Path, "trials.csv");
        var t = CsvTable.Read(path);
        CsvTable.Write(path, ["session", "trial", "stimulus"], t.Rows.Select(r => (IReadOnlyList<string>)[r[1], r[2], r[3]]));
        var e = Assert.Throws<InvalidDataException>(() => NsdBetasDataset.Open(dir.Path, Options.None));
        Assert.Contains("no 'subject' column", e.Message);
        using var ds = NsdBetasDataset.Open(dir.Path, Options.Of("{'subjects': ['subj01'], 'scale': 300}"));
        AssertClose(Expected("zscored", "V1v", "rh"), ds.Load("subj01", "V1v", Hemisphere.Right)!.Responses.Data);
    }

    [Fact]
    public void Open_PerSubjectTrialTables_Found()
    {
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        File.Move(Path.Combine(dir.Path, "trials.csv"), Path.Combine(dir.Path, "subj01", "trials.csv"));
        using var ds = NsdBetasDataset.Open(dir.Path, Options.Of("{'scale': 300}"));
        Assert.Equal(["subj01"], ds.Subjects);
        AssertClose(Expected("zscored", "V1d", "lh"), ds.Load("subj01", "V1d", Hemisphere.Left)!.Responses.Data);
    }

    [Fact]
    public void Open_DuplicateTrial_ErrorNamesBothLines()
    {
        using var dir = new TempDir();
        CopyDirectory(Fixture, dir.Path);
        File.AppendAllText(Path.Combine(dir.Path, "trials.csv"), "subj01,1,3,nsd-00001\n");
        var e = Assert.Throws<InvalidDataException>(() => NsdBetasDataset.Open(dir.Path, Options.None));
        Assert.Contains("line 26", e.Message);
        Assert.Contains("line 4", e.Message);
    }

    [Fact]
    public void Open_BadOptions_ConfigurationErrors()
    {
        Assert.Equal("$.brain.options.scale", Assert.Throws<ConfigurationErrorException>(() => NsdBetasDataset.Open(Fixture, Options.Of("{'scale': 0}"))).Path);
        Assert.Equal("$.brain.options.betas", Assert.Throws<ConfigurationErrorException>(() => NsdBetasDataset.Open(Fixture, Options.Of("{'betas': 'b.hdf5'}"))).Path);
        Assert.Equal("$.brain.options.betas", Assert.Throws<ConfigurationErrorException>(() => NsdBetasDataset.Open(Fixture, Options.Of("{'betas': '{sesion}.h5'}"))).Path);
        Assert.Equal("$.brain.options.minRepetitions", Assert.Throws<ConfigurationErrorException>(() => NsdBetasDataset.Open(Fixture, Options.Of("{'minRepetitions': 0}"))).Path);
        Assert.Equal("$.brain.options.stimulusIds", Assert.Throws<ConfigurationErrorException>(() => NsdBetasDataset.Open(Fixture, Options.Of("{'stimulusIds': 'nsd'}"))).Path);
    }

    [Fact]
    public void Load_IdMapAndStimulusSelection_RenameThenRestrictRows()
    {
        using var dir = new TempDir();
        var ids = CsvTable.Read(Path.Combine(Fixture, "expected_ids.csv")).Rows.Select(r => r[0]).ToList();
        CsvTable.Write(dir.File("map.csv"), ["source", "id"], [[ids[0], "first"], [ids[4], "fifth"]]);
        CsvTable.Write(dir.File("table.csv"), ["id", "path"], [["fifth", "x.png"], ["first", "y.png"], [ids[2], "z.png"]]);
        using var ds = NsdBetasDataset.Open(Fixture, Options.Of("{'scale': 300, 'idMap': 'map.csv', 'stimuli': 'table.csv'}", dir.Path));
        Assert.Equal(["first", ids[2], "fifth"], ds.StimulusIds("subj01"));
        var all = Npy.ReadFloat32(Path.Combine(Fixture, "expected_zscored_V1d_rh.npy"));
        int c = all.Dimension(1);
        var got = ds.Load("subj01", "V1d", Hemisphere.Right)!;
        int[] rows = [0, 2, 4];
        for (int i = 0; i < 3; i++) AssertClose(all.Data.AsSpan(rows[i] * c, c).ToArray(), got.Responses.Row(i).ToArray());
        Assert.Contains(ds.Warnings, w => w.Contains("7 of 10 stimuli are not in the stimulus selection"));
    }

    [Fact]
    public void Open_BigEndianBetas_ErrorSaysHowToConvert()
    {
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            using var b = BetasFile.Open(Path.Combine(Fixture, "bigendian.hdf5"), "betas");
            b.ReadVoxels([0, 1], 1.0);
        });
        Assert.Contains("big-endian", e.Message);
        Assert.Contains("bigendian.hdf5", e.Message);
    }

    [Fact]
    public void Open_NotHdf5_ErrorNamesFile()
    {
        var e = Assert.Throws<InvalidDataException>(() => BetasFile.Open(Path.Combine(Fixture, "trials.csv"), "betas"));
        Assert.Contains("trials.csv", e.Message);
        Assert.Contains("HDF5", e.Message);
    }

    [Fact]
    public void Loader_ThroughPlugin_RegistersBothIds()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        new RepLens.Plugins.Brain.BrainPlugin().ConfigureServices(services);
        var ids = services.Select(s => s.ImplementationInstance).OfType<ExtensionRegistration>().Select(r => r.Id).ToList();
        Assert.Equal(["algonauts", "nsd-betas"], ids);
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to), true);
    }
}

public sealed class NsdBetasCacheTests
{
    [Fact]
    public void Load_SubjectCacheAndPerRoiReads_Identical()
    {
        var fixture = Repo.Fixture("brain", "nsd");
        using var cached = NsdBetasDataset.Open(fixture, Options.Of("{'scale': 300}"));
        using var direct = NsdBetasDataset.Open(fixture, Options.Of("{'scale': 300, 'cache': 'none'}"));
        foreach (var roi in cached.Rois)
            foreach (var hemi in new Hemisphere?[] { Hemisphere.Left, Hemisphere.Right, null })
            {
                var a = cached.Load("subj01", roi, hemi)!;
                var b = direct.Load("subj01", roi, hemi)!;
                Assert.Equal(b.Responses.Data, a.Responses.Data);
                Assert.Equal(b.Warnings, a.Warnings);
            }
        Assert.Equal("$.brain.options.cache", Assert.Throws<ConfigurationErrorException>(() => NsdBetasDataset.Open(fixture, Options.Of("{'cache': 'all'}"))).Path);
    }
}
