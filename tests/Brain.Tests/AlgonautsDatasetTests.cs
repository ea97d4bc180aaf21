using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Plugins.Brain.Algonauts;
using RepLens.Plugins.Brain.Simulation;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Brain.Tests;

public sealed class AlgonautsDatasetTests
{
    private static readonly Hemisphere?[] AllHemispheres = [Hemisphere.Left, Hemisphere.Right, null];

    [Fact]
    public void Load_EveryRoiAndHemisphere_MatchesWhatTheGeneratorWrote()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 2, Images = 20, WriteImages = false });
        using var ds = AlgonautsDataset.Open(dir.Path, Options.None);

        Assert.Equal(["subj01", "subj02"], ds.Subjects);
        Assert.Equal(SimulatedAlgonautsDataset.Families.SelectMany(f => f.Rois).Select(r => r.Roi), ds.Rois);
        foreach (var subject in ds.Subjects)
            foreach (var roi in ds.Rois)
                foreach (var hemi in AllHemispheres)
                {
                    var got = ds.Load(subject, roi, hemi);
                    var want = sim.Expected(subject, roi, hemi)!;
                    Assert.NotNull(got);
                    Assert.Equal(subject, got.Subject);
                    Assert.Equal(roi, got.Roi);
                    Assert.Equal(hemi, got.Hemisphere);
                    Assert.Equal(want.Rows, got.Responses.Rows);
                    Assert.Equal(want.Columns, got.Responses.Columns);
                    Assert.Equal(want.Data, got.Responses.Data);
                    Assert.Empty(got.Warnings);
                }
    }

    [Fact]
    public void StimulusIds_NsdIdsFromImageNames_InRowOrder()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 2, Images = 15, WriteImages = false });
        using var ds = AlgonautsDataset.Open(dir.Path, Options.None);

        foreach (var s in sim.Subjects)
        {
            Assert.Equal(s.StimulusIds, ds.StimulusIds(s.Id));
            var load = ds.Load(s.Id, "V1v", Hemisphere.Left)!;
            Assert.Equal(s.StimulusIds, load.StimulusIds);
        }
        Assert.All(ds.StimulusIds("subj01"), id => Assert.Matches(@"^nsd-\d{5}$", id));
        // Subjects see the same images in different orders: the host must match rows by id, never by position.
        Assert.NotEqual(ds.StimulusIds("subj01"), ds.StimulusIds("subj02"));
        Assert.Equal(ds.StimulusIds("subj01").Order(), ds.StimulusIds("subj02").Order());
    }

    [Fact]
    public void StimulusIds_TrainIndexOrderNotNameOrder_RowsFollowTrainIndex()
    {
        // Names without zero padding sort differently as strings than by their train index.
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 12, WriteImages = false });
        var images = Path.Combine(dir.Path, "subj01", "training_split", "training_images");
        var files = Directory.GetFiles(images).Order(StringComparer.Ordinal).ToList();
        var expected = new List<string>();
        foreach (var f in files)
        {
            var name = Path.GetFileName(f);
            int index = int.Parse(name[6..10]);
            var nsd = name[11..^4];
            File.Move(f, Path.Combine(images, $"train-{index}_{nsd}.png"));
            expected.Add(nsd);
        }
        using var ds = AlgonautsDataset.Open(dir.Path, Options.None);
        Assert.Equal(expected, ds.StimulusIds("subj01"));
    }

    [Fact]
    public void Load_RoiMissingForOneSubject_ReturnsNullNeverAnotherRoisData()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions
        {
            Subjects = 3, Images = 12, WriteImages = false,
            MissingRois = [new SimulatedRoiLoss(1, "FFA-2")],
        });
        using var ds = AlgonautsDataset.Open(dir.Path, Options.None);

        Assert.Contains("FFA-2", ds.Rois);
        Assert.Null(ds.Load("subj02", "FFA-2", null));
        Assert.Null(ds.Load("subj02", "FFA-2", Hemisphere.Left));
        Assert.Null(ds.Load("subj02", "FFA-2", Hemisphere.Right));
        // The seed's slip: the next subject must not inherit the previous ROI's (or subject's) data.
        var ffa2 = ds.Load("subj03", "FFA-2", Hemisphere.Left)!;
        Assert.Equal(sim.Expected("subj03", "FFA-2", Hemisphere.Left)!.Data, ffa2.Responses.Data);
        var ffa1 = ds.Load("subj02", "FFA-1", Hemisphere.Left)!;
        Assert.Equal(sim.Expected("subj02", "FFA-1", Hemisphere.Left)!.Data, ffa1.Responses.Data);
        Assert.Equal(sim.Vertices("FFA-1"), ds.Vertices("subj02", "FFA-1", Hemisphere.Left));
        Assert.Empty(ds.Vertices("subj02", "FFA-2", Hemisphere.Left));
    }

    [Fact]
    public void Load_EachRoi_ReadsExactlyItsOwnMaskVertices()
    {
        // Independent oracle: read the mask and the mapping with the contracts' npy reader and a plain loop.
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 10, WriteImages = false });
        using var ds = AlgonautsDataset.Open(dir.Path, Options.None);
        var fmri = Npy.ReadFloat32(Path.Combine(dir.Path, "subj01", "training_split", "training_fmri", "rh_training_fmri.npy"));
        int p = fmri.Dimension(1);
        foreach (var (family, rois) in SimulatedAlgonautsDataset.Families)
        {
            var mask = Npy.ReadInt64(Path.Combine(dir.Path, "subj01", "roi_masks", $"rh.{family}_challenge_space.npy")).Data;
            var mapping = CsvTable.Read(Path.Combine(dir.Path, "subj01", "roi_masks", $"mapping_{family}.csv"));
            foreach (var row in mapping.Rows)
            {
                int label = int.Parse(row[0]);
                var cols = Enumerable.Range(0, p).Where(v => mask[v] == label).ToArray();
                var want = new List<float>();
                for (int r = 0; r < fmri.Dimension(0); r++) foreach (var c in cols) want.Add(fmri.Data[r * p + c]);
                var got = ds.Load("subj01", row[1], Hemisphere.Right)!;
                Assert.Equal(want, got.Responses.Data);
            }
        }
    }

    [Fact]
    public void Load_RoiMissingInOneHemisphere_BothUsesTheOtherAndWarns()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions
        {
            Subjects = 1, Images = 10, WriteImages = false,
            MissingRois = [new SimulatedRoiLoss(0, "PPA", Hemisphere.Right)],
        });
        using var ds = AlgonautsDataset.Open(dir.Path, Options.None);

        Assert.Null(ds.Load("subj01", "PPA", Hemisphere.Right));
        var both = ds.Load("subj01", "PPA", null)!;
        Assert.Equal(sim.Expected("subj01", "PPA", Hemisphere.Left)!.Data, both.Responses.Data);
        var warning = Assert.Single(both.Warnings);
        Assert.Contains("rh", warning);
        Assert.Contains("PPA", warning);
    }

    [Fact]
    public void Load_NanVertices_DroppedAndReported()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 10, NanVertices = 3, WriteImages = false });
        using var ds = AlgonautsDataset.Open(dir.Path, Options.None);

        var got = ds.Load("subj01", "V1v", Hemisphere.Left)!;
        var want = sim.Expected("subj01", "V1v", Hemisphere.Left)!;
        Assert.Equal(want.Columns - 3, got.Responses.Columns);
        Assert.All(got.Responses.Data, v => Assert.True(float.IsFinite(v)));
        for (int r = 0; r < want.Rows; r++)
            Assert.Equal(want.Row(r)[3..].ToArray(), got.Responses.Row(r).ToArray());
        var warning = Assert.Single(got.Warnings);
        Assert.Contains("dropped 3 of 12 vertices", warning);
        Assert.Contains("lh vertex " + sim.Vertices("V1v")[0], warning);
        // The streams ROI 'early' contains V1v: the same vertices are dropped there.
        Assert.Contains("dropped 3 of", Assert.Single(ds.Load("subj01", "early", null)!.Warnings));
        Assert.Empty(ds.Load("subj01", "V1v", Hemisphere.Right)!.Warnings);
    }

    [Fact]
    public void Load_NanVerticesWithErrorPolicy_ThrowsNamingTheVertices()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 10, NanVertices = 2, WriteImages = false });
        using var ds = AlgonautsDataset.Open(dir.Path, Options.Of("{'nonFinite': 'error'}"));
        var e = Assert.Throws<InvalidDataException>(() => ds.Load("subj01", "V1v", Hemisphere.Left));
        Assert.Contains("2 of 12 vertices are NaN", e.Message);
        Assert.Contains($"lh vertex {sim.Vertices("V1v")[1]}", e.Message);
    }

    [Fact]
    public void Open_MaskLengthDiffersFromData_ErrorNamesBothFilesAndLengths()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 10, WriteImages = false });
        var mask = Path.Combine(dir.Path, "subj01", "roi_masks", "lh.floc-faces_challenge_space.npy");
        Npy.Write(mask, new int[sim.VerticesPerHemisphere - 5], [sim.VerticesPerHemisphere - 5]);
        using var ds = AlgonautsDataset.Open(dir.Path, Options.None);

        var e = Assert.Throws<InvalidDataException>(() => ds.Load("subj01", "FFA-1", Hemisphere.Left));
        Assert.Contains(mask, e.Message);
        Assert.Contains("lh_training_fmri.npy", e.Message);
        Assert.Contains($"{sim.VerticesPerHemisphere - 5} vertices", e.Message);
        Assert.Contains($"have {sim.VerticesPerHemisphere}", e.Message);
        Assert.NotNull(ds.Load("subj01", "FFA-1", Hemisphere.Right));
    }

    [Fact]
    public void StimulusIds_SubjectWithFewerImages_ReflectsIt()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions
        {
            Subjects = 3, Images = 20, ImagesPerSubject = [20, 14, 20], WriteImages = false,
        });
        using var ds = AlgonautsDataset.Open(dir.Path, Options.None);

        Assert.Equal(14, ds.StimulusIds("subj02").Count);
        var load = ds.Load("subj02", "hV4", null)!;
        Assert.Equal(14, load.Responses.Rows);
        Assert.Equal(sim.Expected("subj02", "hV4", null)!.Data, load.Responses.Data);
        Assert.Equal(14, ds.StimulusIds("subj01").Intersect(ds.StimulusIds("subj02")).Count());
    }

    [Fact]
    public void Open_ImageCountDiffersFromRows_ErrorNamesFolderAndCounts()
    {
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 10, WriteImages = false });
        var images = Path.Combine(dir.Path, "subj01", "training_split", "training_images");
        File.Delete(Directory.GetFiles(images)[0]);
        var e = Assert.Throws<InvalidDataException>(() => AlgonautsDataset.Open(dir.Path, Options.None));
        Assert.Contains(images, e.Message);
        Assert.Contains("9 images", e.Message);
        Assert.Contains("10 rows", e.Message);
    }

    [Fact]
    public void Open_NoImagesFolder_SaysWhereIdsComeFrom()
    {
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 10, WriteImages = false });
        Directory.Delete(Path.Combine(dir.Path, "subj01", "training_split", "training_images"), true);
        var e = Assert.Throws<DirectoryNotFoundException>(() => AlgonautsDataset.Open(dir.Path, Options.None));
        Assert.Contains("train-0001_nsd-00013.png", e.Message);
    }

    [Fact]
    public void Open_ImageNameWithoutNsdId_ErrorSuggestsFileStem()
    {
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 10, WriteImages = false });
        var images = Path.Combine(dir.Path, "subj01", "training_split", "training_images");
        var first = Directory.GetFiles(images).Order(StringComparer.Ordinal).First();
        File.Move(first, Path.Combine(images, "train-0001_coco-123.png"));
        var e = Assert.Throws<InvalidDataException>(() => AlgonautsDataset.Open(dir.Path, Options.None));
        Assert.Contains("train-0001_coco-123", e.Message);
        Assert.Contains("file-stem", e.Message);

        using var ds = AlgonautsDataset.Open(dir.Path, Options.Of("{'stimulusIds': 'file-stem'}"));
        Assert.Equal("train-0001_coco-123", ds.StimulusIds("subj01")[0]);
        Assert.StartsWith("train-0002_nsd-", ds.StimulusIds("subj01")[1]);
    }

    [Fact]
    public void Open_IdMap_RenamesMappedIdsAndKeepsOthers()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 6, WriteImages = false });
        var ids = sim.Subjects[0].StimulusIds;
        var map = Path.Combine(dir.Path, "map.csv");
        CsvTable.Write(map, ["source", "id"], [[ids[0], "img-a"], [ids[2], "img-c"]]);
        using var ds = AlgonautsDataset.Open(dir.Path, Options.Of("{'idMap': 'map.csv'}", dir.Path));
        var got = ds.StimulusIds("subj01");
        Assert.Equal("img-a", got[0]);
        Assert.Equal(ids[1], got[1]);
        Assert.Equal("img-c", got[2]);
    }

    [Fact]
    public void Open_IdMapMakesDuplicates_ErrorNamesRows()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 6, WriteImages = false });
        var ids = sim.Subjects[0].StimulusIds;
        var map = Path.Combine(dir.Path, "map.csv");
        CsvTable.Write(map, ["source", "id"], [[ids[0], ids[1]]]);
        var e = Assert.Throws<InvalidDataException>(() => AlgonautsDataset.Open(dir.Path, Options.Of("{'idMap': 'map.csv'}", dir.Path)));
        Assert.Contains($"'{ids[1]}'", e.Message);
        Assert.Contains("rows 1 and 2", e.Message);
    }

    [Fact]
    public void Load_StimulusSelection_ReadsOnlySelectedRowsWithRightValues()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 2, Images = 12, WriteImages = false });
        var keep = sim.StimulusIds.Where((_, i) => i % 3 == 0).ToList();
        var table = Path.Combine(dir.Path, "shared.csv");
        CsvTable.Write(table, ["path", "id"], keep.Select(k => (IReadOnlyList<string>)[$"stimuli/{k}.png", k]));
        using var ds = AlgonautsDataset.Open(dir.Path, Options.Of("{'stimuli': 'shared.csv'}", dir.Path));

        foreach (var s in sim.Subjects)
        {
            var ids = ds.StimulusIds(s.Id);
            Assert.Equal(s.StimulusIds.Where(keep.Contains), ids);
            var full = sim.Expected(s.Id, "FFA-1", null)!;
            var got = ds.Load(s.Id, "FFA-1", null)!;
            Assert.Equal(ids, got.StimulusIds);
            for (int r = 0; r < ids.Count; r++)
                Assert.Equal(full.Row(s.StimulusIds.ToList().IndexOf(ids[r])).ToArray(), got.Responses.Row(r).ToArray());
        }
        Assert.Contains(ds.Warnings, w => w.Contains("8 of 12 images are not in the stimulus selection"));
    }

    [Fact]
    public void Open_SubjectsAndFamiliesOptions_Restrict()
    {
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 3, Images = 6, WriteImages = false });
        using var ds = AlgonautsDataset.Open(dir.Path, Options.Of("{'subjects': ['subj03', 'subj01'], 'families': ['floc-places', 'streams']}"));
        Assert.Equal(["subj03", "subj01"], ds.Subjects);
        Assert.Equal(["OPA", "PPA", "RSC", "early", "midventral", "midlateral", "midparietal", "ventral", "lateral", "parietal"], ds.Rois);
    }

    [Fact]
    public void Open_UnknownSubjectOrFamily_ConfigurationErrorListsWhatExists()
    {
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 2, Images = 6, WriteImages = false });
        var e = Assert.Throws<ConfigurationErrorException>(() => AlgonautsDataset.Open(dir.Path, Options.Of("{'subjects': ['subj09']}")));
        Assert.Equal("$.brain.options.subjects", e.Path);
        Assert.Contains("subj01, subj02", e.Message);
        var f = Assert.Throws<ConfigurationErrorException>(() => AlgonautsDataset.Open(dir.Path, Options.Of("{'families': ['floc-face']}")));
        Assert.Contains("floc-faces", f.Message);
        var u = Assert.Throws<ConfigurationErrorException>(() => AlgonautsDataset.Open(dir.Path, Options.Of("{'zscore': true}")));
        Assert.Equal("$.brain.options.zscore", u.Path);
        var k = Assert.Throws<ConfigurationErrorException>(() => AlgonautsDataset.Open(dir.Path, Options.Of("{'stimulusIds': 'coco'}")));
        Assert.Contains("nsd, file-stem", k.Message);
    }

    [Fact]
    public void Load_UnknownRoiOrSubject_ThrowsListingValidNames()
    {
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 6, WriteImages = false });
        using var ds = AlgonautsDataset.Open(dir.Path, Options.None);
        var e = Assert.Throws<ArgumentException>(() => ds.Load("subj01", "ffa-1", null));
        Assert.Contains("Did you mean 'FFA-1'", e.Message);
        var s = Assert.Throws<ArgumentException>(() => ds.Load("subj7", "FFA-1", null));
        Assert.Contains("subj01", s.Message);
    }

    [Fact]
    public void Open_MissingRoot_OrNoSubjects_ClearErrors()
    {
        using var dir = new TempDir();
        Assert.Throws<DirectoryNotFoundException>(() => AlgonautsDataset.Open(Path.Combine(dir.Path, "nope"), Options.None));
        var e = Assert.Throws<InvalidDataException>(() => AlgonautsDataset.Open(dir.Path, Options.None));
        Assert.Contains("subjNN", e.Message);
        Directory.CreateDirectory(Path.Combine(dir.Path, "subj01"));
        var f = Assert.Throws<FileNotFoundException>(() => AlgonautsDataset.Open(dir.Path, Options.None));
        Assert.Contains("lh_training_fmri.npy", f.Message);
    }

    [Fact]
    public void Open_HemispheresWithDifferentImageCounts_Throws()
    {
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 6, WriteImages = false });
        var rh = Path.Combine(dir.Path, "subj01", "training_split", "training_fmri", "rh_training_fmri.npy");
        Npy.Write(rh, new float[5 * 3], [5, 3]);
        var e = Assert.Throws<InvalidDataException>(() => AlgonautsDataset.Open(dir.Path, Options.None));
        Assert.Contains("has 6 images", e.Message);
        Assert.Contains("has 5", e.Message);
    }

    [Fact]
    public void Load_OtherDtypesAndFortranOrder_SameValues()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 7, WriteImages = false });
        var lh = Path.Combine(dir.Path, "subj01", "training_split", "training_fmri", "lh_training_fmri.npy");
        var original = Npy.ReadFloat32(lh);
        Npy.Write(lh, original.Data.Select(v => (double)v).ToArray(), [original.Dimension(0), original.Dimension(1)]);
        using (var ds = AlgonautsDataset.Open(dir.Path, Options.None))
            Assert.Equal(sim.Expected("subj01", "V2d", Hemisphere.Left)!.Data, ds.Load("subj01", "V2d", Hemisphere.Left)!.Responses.Data);

        NpyTestFiles.WriteFortranFloat32(lh, original.Data, original.Dimension(0), original.Dimension(1));
        using (var ds = AlgonautsDataset.Open(dir.Path, Options.None))
            Assert.Equal(sim.Expected("subj01", "ventral", Hemisphere.Left)!.Data, ds.Load("subj01", "ventral", Hemisphere.Left)!.Responses.Data);
    }

    [Fact]
    public void Open_MappingAsPickledNpy_SameRoisAsCsv()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 6, WriteImages = false });
        var masks = Path.Combine(dir.Path, "subj01", "roi_masks");
        File.Delete(Path.Combine(masks, "mapping_prf-visualrois.csv"));
        File.Copy(Repo.Fixture("brain", "mapping", "mapping_prf-visualrois.npy"), Path.Combine(masks, "mapping_prf-visualrois.npy"));
        using var ds = AlgonautsDataset.Open(dir.Path, Options.None);
        Assert.Equal(["V1v", "V1d", "V2v", "V2d", "V3v", "V3d", "hV4"], ds.Rois.Take(7));
        Assert.Equal(sim.Expected("subj01", "V3d", null)!.Data, ds.Load("subj01", "V3d", null)!.Responses.Data);
    }

    [Fact]
    public void Open_MappingFilesDisagree_ErrorNamesBoth()
    {
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 6, WriteImages = false });
        var masks = Path.Combine(dir.Path, "subj01", "roi_masks");
        File.WriteAllText(Path.Combine(masks, "mapping_floc-faces.json"), "{\"1\": \"OFA\", \"2\": \"FFA-2\"}");
        var e = Assert.Throws<InvalidDataException>(() => AlgonautsDataset.Open(dir.Path, Options.None));
        Assert.Contains("mapping_floc-faces.csv", e.Message);
        Assert.Contains("mapping_floc-faces.json", e.Message);
    }

    [Fact]
    public void Open_RoiNameInTwoFamilies_ErrorSuggestsFamiliesOption()
    {
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 6, WriteImages = false });
        var masks = Path.Combine(dir.Path, "subj01", "roi_masks");
        File.Copy(Path.Combine(masks, "lh.floc-faces_challenge_space.npy"), Path.Combine(masks, "lh.kastner_challenge_space.npy"));
        File.WriteAllText(Path.Combine(masks, "mapping_kastner.csv"), "label,name\n2,FFA-1\n");
        var e = Assert.Throws<InvalidDataException>(() => AlgonautsDataset.Open(dir.Path, Options.None));
        Assert.Contains("'FFA-1' is in two families", e.Message);
        using var ds = AlgonautsDataset.Open(dir.Path, Options.Of("{'families': ['floc-faces', 'streams']}"));
        Assert.Contains("FFA-1", ds.Rois);
    }

    [Fact]
    public void Loader_ThroughContract_OpensAndDescribes()
    {
        using var dir = new TempDir();
        SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 6, WriteImages = false });
        IBrainDataLoader loader = new AlgonautsLoader();
        Assert.Contains("training_fmri", loader.Description);
        using var ds = loader.Open(new BrainDataRequest("nsd", dir.Path, Options.None));
        Assert.Equal(["subj01"], ds.Subjects);
    }
}
