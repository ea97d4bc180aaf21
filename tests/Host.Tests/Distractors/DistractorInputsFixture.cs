using System.Globalization;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Imaging;
using RepLens.TestSupport;

namespace RepLens.Host.Tests.Distractors;

/// <summary>
/// Synthetic inputs of a distractor build whose semantic distances are known exactly: 2-D caption embeddings,
/// every target at angle 0 and each pool image at an angle θ, so its distance to every target is 1 − cos θ.
/// Targets are light grey with a small coloured disc in the centre, in two sizes (96 × 72 and 80 × 80). The pool
/// has, per semantic group, "flat" images of the targets' background grey (pasted at an edge they change nothing:
/// saliency change 0) and "contrast" images (saturated stripes: a large change), plus images in neither range.
/// </summary>
internal sealed class DistractorInputsFixture
{
    public const byte Background = 200;

    /// <summary>Pool image id → angle in degrees (distance 1 − cos θ to every target).</summary>
    public static readonly IReadOnlyDictionary<string, double> PoolAngles = new Dictionary<string, double>
    {
        ["sim-flat-a"] = 20, ["sim-flat-b"] = 25, ["sim-contrast-a"] = 15, ["sim-contrast-b"] = 30,
        ["dis-flat-a"] = 120, ["dis-flat-b"] = 150, ["dis-contrast-a"] = 110, ["dis-contrast-b"] = 180,
        ["mid-flat"] = 60, ["mid-contrast"] = 70,
    };

    public static readonly string[] TargetIds = { "t0", "t1", "t2", "t3" };

    /// <param name="folder">Where the files go.</param>
    /// <param name="poolAngles">The pool (default <see cref="PoolAngles"/>): images named *flat* are flat, the others striped.</param>
    /// <param name="extraPool">More pool images with their angles.</param>
    public DistractorInputsFixture(string folder, IReadOnlyDictionary<string, double>? poolAngles = null,
        IReadOnlyList<(string Id, RgbImage Image, double Angle)>? extraPool = null)
    {
        Folder = folder;
        Directory.CreateDirectory(Path.Combine(folder, "targets"));
        Directory.CreateDirectory(Path.Combine(folder, "pool"));
        var angles = new Dictionary<string, double>(poolAngles ?? PoolAngles);
        var images = angles.Keys.ToDictionary(id => id, id => id.Contains("flat") ? Flat(64, 48) : Stripes(64, 64, id.Length));
        foreach (var (id, image, angle) in extraPool ?? [])
        {
            angles[id] = angle;
            images[id] = image;
        }
        var targets = new List<string> { "id,path,category,captions" };
        for (int i = 0; i < TargetIds.Length; i++)
        {
            var (w, h) = i < 2 ? (96, 72) : (80, 80);
            var rel = $"targets/{TargetIds[i]}.png";
            File.WriteAllBytes(Path.Combine(folder, rel), PngEncoder.Encode(Target(w, h, i)));
            targets.Add($"{TargetIds[i]},{rel},cat{i % 2},caption of {TargetIds[i]} | another caption");
        }
        File.WriteAllLines(Stimuli, targets);
        var pool = new List<string> { "id,path" };
        foreach (var id in angles.Keys)
        {
            var rel = $"pool/{id}.png";
            File.WriteAllBytes(Path.Combine(folder, rel), PngEncoder.Encode(images[id]));
            pool.Add($"{id},{rel}");
        }
        File.WriteAllLines(Pool, pool);

        _angles = angles;
        var ids = TargetIds.Concat(angles.Keys).ToList();
        var e = new float[ids.Count * 2];
        for (int k = 0; k < ids.Count; k++)
        {
            double t = k < TargetIds.Length ? 0 : angles[ids[k]] * Math.PI / 180;
            e[2 * k] = (float)(3 * Math.Cos(t));
            e[2 * k + 1] = (float)(3 * Math.Sin(t));
        }
        Npy.Write(Embeddings, e, new long[] { ids.Count, 2 });
        File.WriteAllLines(Ids, ids);
    }

    private readonly Dictionary<string, double> _angles;

    public string Folder { get; }
    public string Stimuli => Path.Combine(Folder, "targets.csv");
    public string Pool => Path.Combine(Folder, "pool.csv");
    public string Embeddings => Path.Combine(Folder, "E.npy");
    public string Ids => Path.Combine(Folder, "IDS.txt");

    /// <summary>Pool image id → angle of its embedding.</summary>
    public IReadOnlyDictionary<string, double> Angles => _angles;

    /// <summary>The exact semantic distance of a pool image to every target, from the float32 embeddings as stored.</summary>
    public double Distance(string poolId)
    {
        double t = _angles[poolId] * Math.PI / 180;
        double ax = (float)3.0, bx = (float)(3 * Math.Cos(t)), by = (float)(3 * Math.Sin(t));
        return 1 - ax * bx / (ax * Math.Sqrt(bx * bx + by * by));
    }

    public string[] Args(string output, params string[] more) =>
        ["distractors", "--stimuli", Stimuli, "--pool", Pool, "--embeddings", Embeddings, "--ids", Ids, "--out", output, .. more];

    public static RgbImage Target(int w, int h, int i)
    {
        var px = new byte[w * h * 3];
        Array.Fill(px, Background);
        var colour = new (byte, byte, byte)[] { (220, 30, 30), (30, 60, 220), (30, 170, 60), (240, 160, 0) }[i % 4];
        double cx = w / 2.0, cy = h / 2.0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if ((x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy) <= 36)
                    (px[(y * w + x) * 3], px[(y * w + x) * 3 + 1], px[(y * w + x) * 3 + 2]) = colour;
        return new RgbImage(w, h, px);
    }

    public static RgbImage Flat(int w, int h)
    {
        var px = new byte[w * h * 3];
        Array.Fill(px, Background);
        return new RgbImage(w, h, px);
    }

    public static RgbImage Stripes(int w, int h, int phase)
    {
        var px = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool on = ((x + phase) / 6) % 2 == 0;
                (px[(y * w + x) * 3], px[(y * w + x) * 3 + 1], px[(y * w + x) * 3 + 2]) = on ? ((byte)255, (byte)220, (byte)0) : ((byte)0, (byte)0, (byte)90);
            }
        return new RgbImage(w, h, px);
    }

    public static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
