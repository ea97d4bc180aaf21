using System.Globalization;
using System.Text;
using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Imaging;

namespace RepLens.Plugins.Saliency;

/// <summary>
/// The <c>saliency-maps</c> target: precomputed saliency maps (from any model or from eye tracking),
/// one file per stimulus in a folder, named <c>&lt;stimulus id&gt;.png</c> (grayscale, or colour read as
/// luminance) or <c>&lt;stimulus id&gt;.npy</c> (2-D float, height × width). Each map is resized bilinearly
/// to 224 × 224 (configurable) and flattened; cosine distance.
/// </summary>
/// <remarks>
/// Options: <c>folder</c> (required), <c>size</c> (224, or [width, height]), <c>expectedSize</c>
/// ([width, height] every map must have, or <c>"image"</c>: each map must have its stimulus image's size;
/// unchecked when absent) and <c>maxDegreeOfParallelism</c>. A missing map, or one of the wrong size, stops
/// the computation with a message naming the stimulus id (and both sizes).
/// </remarks>
public sealed class SaliencyMapsTarget : IRepresentationalTarget
{
    /// <inheritdoc />
    public string Description => "Precomputed saliency maps (<id>.png or <id>.npy in a folder), resized to 224 × 224 and flattened.";

    /// <inheritdoc />
    public DistanceMetric DefaultMetric => DistanceMetric.Cosine;

    /// <inheritdoc />
    public IConfiguredTarget Open(TargetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        options.ThrowIfUnknown("folder", "size", "expectedSize", "maxDegreeOfParallelism");
        var folder = options.GetPath("folder")
            ?? throw new ConfigurationErrorException($"{options.Path}.folder", "required: the folder holding <stimulus id>.png or <stimulus id>.npy maps.");
        if (!Directory.Exists(folder))
            throw new ConfigurationErrorException($"{options.Path}.folder", $"folder '{folder}' does not exist.");
        var (w, h) = TargetVectors.ReadSize(options, "size", 224);
        var expected = ReadExpectedSize(options);
        int dop = TargetVectors.ReadParallelism(options);
        return new Configured(request.Name, folder, w, h, expected, dop);
    }

    private static ExpectedSize? ReadExpectedSize(PluginOptions options)
    {
        var raw = options.GetRaw("expectedSize");
        if (raw is null) return null;
        if (raw.Value.ValueKind == JsonValueKind.String)
        {
            if (raw.Value.GetString() == "image") return new ExpectedSize(0, 0, FromImage: true);
            throw new ConfigurationErrorException($"{options.Path}.expectedSize", "expected \"image\" or [width, height].");
        }
        var (w, h) = TargetVectors.ReadSize(options, "expectedSize", 0);
        return new ExpectedSize(w, h, FromImage: false);
    }

    private sealed record ExpectedSize(int Width, int Height, bool FromImage);

    private sealed class Configured(string name, string folder, int width, int height, ExpectedSize? expected, int dop) : IConfiguredTarget
    {
        public string Name => name;

        public string Fingerprint { get; } = TargetVectors.Hash(
            $"saliency-maps-1;size={width}x{height};expected={Describe(expected)};{FolderListing(folder)}");

        public TargetRepresentation Compute(StimulusTable stimuli, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(stimuli);
            var vectors = TargetVectors.ComputeAll($"Target '{name}' (saliency-maps, folder '{folder}')", stimuli, dop, cancellationToken, Load);
            return TargetRepresentation.FromVectors(stimuli, vectors, DistanceMetric.Cosine);
        }

        private float[] Load(Stimulus stimulus)
        {
            var png = Path.Combine(folder, stimulus.Id + ".png");
            var npy = Path.Combine(folder, stimulus.Id + ".npy");
            bool hasPng = File.Exists(png), hasNpy = File.Exists(npy);
            if (hasPng && hasNpy)
                throw new InvalidDataException($"both '{png}' and '{npy}' exist; keep one map per stimulus.");
            if (!hasPng && !hasNpy)
                throw new FileNotFoundException($"no precomputed saliency map: neither '{png}' nor '{npy}' exists.", png);
            var path = hasPng ? png : npy;
            var map = SaliencyMapFile.Read(path);
            if (expected is not null)
            {
                var (ew, eh) = expected.FromImage ? ImageDecoder.ReadSize(stimulus.ImagePath) : (expected.Width, expected.Height);
                if (map.Width != ew || map.Height != eh)
                {
                    var what = expected.FromImage ? $"the size of its image '{stimulus.ImagePath}'" : "the size required by option expectedSize";
                    throw new InvalidDataException(
                        $"map '{path}' is {map.Width} × {map.Height} (width × height); expected {ew} × {eh}, {what}.");
                }
            }
            return (map.Width == width && map.Height == height ? map : map.Resize(width, height)).Data;
        }

        private static string Describe(ExpectedSize? e) => e is null ? "none" : e.FromImage ? "image" : $"{e.Width}x{e.Height}";

        // The maps determine the output: their names, sizes and modification times stand for their content
        // (hashing every file's bytes would read the whole folder at every run).
        private static string FolderListing(string folder)
        {
            var sb = new StringBuilder();
            foreach (var f in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                var ext = Path.GetExtension(f);
                if (!ext.Equals(".png", StringComparison.Ordinal) && !ext.Equals(".npy", StringComparison.Ordinal)) continue;
                var info = new FileInfo(f);
                sb.Append(Path.GetFileName(f)).Append(':').Append(info.Length.ToString(CultureInfo.InvariantCulture))
                  .Append(':').Append(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append(';');
            }
            return TargetVectors.Hash(sb.ToString());
        }
    }
}
