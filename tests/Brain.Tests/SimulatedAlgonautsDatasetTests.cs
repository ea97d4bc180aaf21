using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Plugins.Brain.Algonauts;
using RepLens.Plugins.Brain.Simulation;
using RepLens.TestSupport;
using Xunit;

namespace RepLens.Brain.Tests;

public sealed class SimulatedAlgonautsDatasetTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Write_SameSeed_ByteIdenticalFiles_OtherSeedDiffers()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var c = new TempDir();
        var o = new SimulatedAlgonautsOptions { Subjects = 2, Images = 10 };
        SimulatedAlgonautsDataset.Write(a.Path, o);
        SimulatedAlgonautsDataset.Write(b.Path, o);
        SimulatedAlgonautsDataset.Write(c.Path, o with { Seed = 2 });
        var files = Directory.GetFiles(a.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a.Path, f)).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(b.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b.Path, f)).Order());
        foreach (var f in files) Assert.Equal(File.ReadAllBytes(Path.Combine(a.Path, f)), File.ReadAllBytes(Path.Combine(b.Path, f)));
        var fmri = Path.Combine("subj01", "training_split", "training_fmri", "lh_training_fmri.npy");
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a.Path, fmri)), File.ReadAllBytes(Path.Combine(c.Path, fmri)));
    }

    [Fact]
    public void Write_StimulusTableAndFeatures_ConsistentWithIds()
    {
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 1, Images = 10 });
        var table = CsvTable.Read(sim.StimulusTablePath);
        Assert.Equal(sim.StimulusIds, table.Rows.Select(r => r[table.ColumnIndex("id")]));
        Assert.Equal(sim.StimulusCategories, table.Rows.Select(r => r[table.ColumnIndex("category")]));
        foreach (var row in table.Rows)
        {
            var png = File.ReadAllBytes(Path.Combine(dir.Path, row[table.ColumnIndex("path")]));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        }
        Assert.Equal(sim.LowLevel.Data, Npy.ReadFloat32(Path.Combine(dir.Path, "features", "lowlevel.npy")).Data);
        Assert.Equal(sim.Semantic.Data, Npy.ReadFloat32(Path.Combine(dir.Path, "features", "semantic.npy")).Data);
    }

    [Fact]
    public void Write_PlantedStructure_EarlyRoisFollowLowLevelVentralFollowSemantic()
    {
        // Naive oracle: correlation-distance RDMs over the shared images, Pearson r between RDMs, mean over subjects.
        using var dir = new TempDir();
        var sim = SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { Subjects = 3, Images = 40, WriteImages = false });
        using var ds = AlgonautsDataset.Open(dir.Path, RepLens.Brain.Tests.Options.None);
        var low = Rdm(sim.LowLevel, sim.StimulusIds, sim.StimulusIds);
        var sem = Rdm(sim.Semantic, sim.StimulusIds, sim.StimulusIds);

        double Fit(string roi, double[] target) => ds.Subjects.Average(s =>
        {
            var r = ds.Load(s, roi, null)!;
            return Pearson(Rdm(r.Responses, r.StimulusIds, sim.StimulusIds), target);
        });

        foreach (var roi in ds.Rois) output.WriteLine($"{roi}: low-level r = {Fit(roi, low):F3}, semantic r = {Fit(roi, sem):F3}");
        foreach (var early in new[] { "V1v", "V2d", "early" })
            foreach (var ventral in new[] { "FFA-1", "PPA", "ventral" })
            {
                Assert.True(Fit(early, low) > Fit(ventral, low) + 0.2, $"{early} vs {ventral} on low-level features");
                Assert.True(Fit(ventral, sem) > Fit(early, sem) + 0.2, $"{ventral} vs {early} on semantics");
            }
        Assert.True(Math.Abs(Fit("parietal", low)) < 0.15 && Math.Abs(Fit("parietal", sem)) < 0.15, "noise-only ROI");
    }

    private static double[] Rdm(FloatMatrix m, IReadOnlyList<string> rowIds, IReadOnlyList<string> order)
    {
        var rows = order.Select(id => rowIds.ToList().IndexOf(id)).ToArray();
        int n = rows.Length;
        var d = new List<double>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                d.Add(1 - Pearson(m.Row(rows[i]).ToArray().Select(v => (double)v).ToArray(), m.Row(rows[j]).ToArray().Select(v => (double)v).ToArray()));
        return d.ToArray();
    }

    private static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
        return sab / Math.Sqrt(saa * sbb);
    }

    [Fact]
    public void Write_BadOptions_Throw()
    {
        using var dir = new TempDir();
        Assert.Throws<ArgumentException>(() => SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { ImagesPerSubject = [10] }));
        Assert.Throws<ArgumentException>(() => SimulatedAlgonautsDataset.Write(dir.Path, new SimulatedAlgonautsOptions { MissingRois = [new SimulatedRoiLoss(0, "V9")] }));
    }
}
