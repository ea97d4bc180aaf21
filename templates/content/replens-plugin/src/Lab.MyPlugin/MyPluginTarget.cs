using System.Security.Cryptography;
using System.Text;
using RepLens.Abstractions;

namespace Lab.MyPlugin;

/// <summary>
/// The <c>my-plugin</c> target: per stimulus, the mean luminance (ITU-R BT.601, 0.299 R + 0.587 G +
/// 0.114 B, scaled to 0–1) of each cell of a <c>grid</c> × <c>grid</c> partition of the image — a coarse
/// luminance map, flattened row-major. Replace <see cref="Describe"/> with what your target computes.
/// </summary>
/// <remarks>
/// Images come from the host's <see cref="IImageDecoder"/> (constructor injection), so this target sees
/// exactly the pixels every built-in extractor and target sees. Options: <c>grid</c> (1–64, default 4).
/// Unknown options are refused, so a typo in a config fails at start instead of being ignored.
/// </remarks>
public sealed class MyPluginTarget(IImageDecoder images) : IRepresentationalTarget
{
    /// <inheritdoc />
    public string Description => "Mean luminance per cell of a grid over the image (a coarse luminance map).";

    /// <inheritdoc />
    public DistanceMetric DefaultMetric => DistanceMetric.Correlation;

    /// <inheritdoc />
    public IConfiguredTarget Open(TargetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        options.ThrowIfUnknown("grid");
        int grid = options.GetInt32("grid", 4);
        if (grid is < 1 or > 64)
            throw new ConfigurationErrorException($"{options.Path}.grid", $"expected a whole number of cells per side between 1 and 64; found {grid}.");
        return new Configured(request.Name, images, grid);
    }

    /// <summary>The vector of one image: the mean luminance (0–1) of each of grid × grid cells, row-major.</summary>
    /// <param name="image">The image, 8-bit RGB.</param>
    /// <param name="grid">Cells per side; at most the image's width and height.</param>
    public static float[] Describe(RgbImage image, int grid)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (grid > image.Width || grid > image.Height)
            throw new ArgumentException($"The image is {image.Width} × {image.Height} pixels, too small for a {grid} × {grid} grid.", nameof(image));
        var sums = new double[grid * grid];
        var counts = new int[grid * grid];
        var p = image.Pixels;
        for (int y = 0; y < image.Height; y++)
        {
            int row = (int)((long)y * grid / image.Height);
            for (int x = 0; x < image.Width; x++)
            {
                int cell = row * grid + (int)((long)x * grid / image.Width);
                int i = (y * image.Width + x) * 3;
                sums[cell] += (0.299 * p[i] + 0.587 * p[i + 1] + 0.114 * p[i + 2]) / 255.0;
                counts[cell]++;
            }
        }
        var vector = new float[sums.Length];
        for (int c = 0; c < vector.Length; c++) vector[c] = (float)(sums[c] / counts[c]);
        return vector;
    }

    private sealed class Configured(string name, IImageDecoder images, int grid) : IConfiguredTarget
    {
        public string Name => name;

        // Everything but the stimuli that decides the output; bump "v1" when the computation changes,
        // so that RepLens's cache does not serve vectors of the old code.
        public string Fingerprint { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"my-plugin;v1;grid={grid}")));

        public TargetRepresentation Compute(StimulusTable stimuli, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(stimuli);
            var vectors = new float[stimuli.Count][];
            for (int i = 0; i < stimuli.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stimulus = stimuli[i];
                try
                {
                    vectors[i] = Describe(images.Decode(stimulus.ImagePath), grid);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
                {
                    throw new InvalidDataException($"Target '{name}' (my-plugin): stimulus '{stimulus.Id}' ({stimulus.ImagePath}): {e.Message}", e);
                }
            }
            return TargetRepresentation.FromVectors(stimuli, vectors, DistanceMetric.Correlation);
        }
    }
}
