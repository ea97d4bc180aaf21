using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RepLens.Abstractions;

namespace Lab.EdgeDensity;

/// <summary>
/// The <c>edge-density</c> target: per stimulus, the fraction of edge pixels in each cell of a
/// <c>grid</c> × <c>grid</c> partition of the image, flattened row-major (length grid²). A pixel is an
/// edge pixel when the Sobel gradient magnitude of its luminance (ITU-R BT.601, 0–1), divided by 4 so
/// that a black-to-white step gives 1, exceeds <c>threshold</c>. Edge density is a standard measure of
/// visual clutter (Rosenholtz, Li &amp; Nakano 2007, doi:10.1167/7.2.17).
/// </summary>
/// <remarks>
/// Only interior pixels (one pixel from the border) have a gradient; the grid partitions that interior.
/// Images come from the host's <see cref="IImageDecoder"/> (constructor injection), so the target sees
/// exactly the pixels every built-in extractor sees. Options: <c>grid</c> (1–64, default 4),
/// <c>threshold</c> (in (0, 1.5), default 0.1). Unknown options are refused.
/// </remarks>
public sealed class EdgeDensityTarget(IImageDecoder images) : IRepresentationalTarget
{
    /// <inheritdoc />
    public string Description => "Fraction of edge pixels (Sobel luminance gradient above a threshold) per cell of a grid over the image.";

    /// <summary>Euclidean: two images that differ only in overall clutter are different (a correlation
    /// distance would call them equal, and is undefined for an image with the same density everywhere).</summary>
    public DistanceMetric DefaultMetric => DistanceMetric.Euclidean;

    /// <inheritdoc />
    public IConfiguredTarget Open(TargetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        options.ThrowIfUnknown("grid", "threshold");
        int grid = options.GetInt32("grid", 4);
        if (grid is < 1 or > 64)
            throw new ConfigurationErrorException($"{options.Path}.grid", $"expected a whole number of cells per side between 1 and 64; found {grid}.");
        double threshold = options.GetDouble("threshold", 0.1);
        if (!(threshold > 0 && threshold < 1.5))
            throw new ConfigurationErrorException($"{options.Path}.threshold", $"expected a gradient magnitude between 0 and 1.5 (a black-to-white step is 1); found {threshold.ToString(CultureInfo.InvariantCulture)}.");
        return new Configured(request.Name, images, grid, threshold);
    }

    /// <summary>The vector of one image: the fraction (0–1) of edge pixels in each of grid × grid cells, row-major.</summary>
    /// <param name="image">The image, 8-bit RGB; at least grid + 2 pixels on each side.</param>
    /// <param name="grid">Cells per side.</param>
    /// <param name="threshold">Gradient magnitude (luminance 0–1, Sobel / 4) above which a pixel is an edge.</param>
    public static float[] Describe(RgbImage image, int grid, double threshold)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height;
        if (grid > w - 2 || grid > h - 2)
            throw new ArgumentException($"The image is {w} × {h} pixels, too small for a {grid} × {grid} grid of edge cells (needs {grid + 2} × {grid + 2}).", nameof(image));
        var lum = new double[w * h];
        var p = image.Pixels;
        for (int i = 0; i < lum.Length; i++)
            lum[i] = (0.299 * p[3 * i] + 0.587 * p[3 * i + 1] + 0.114 * p[3 * i + 2]) / 255.0;

        var edges = new int[grid * grid];
        var counts = new int[grid * grid];
        int iw = w - 2, ih = h - 2;
        for (int y = 1; y < h - 1; y++)
        {
            int row = (int)((long)(y - 1) * grid / ih);
            for (int x = 1; x < w - 1; x++)
            {
                int c = y * w + x;
                double gx = lum[c - w + 1] + 2 * lum[c + 1] + lum[c + w + 1] - lum[c - w - 1] - 2 * lum[c - 1] - lum[c + w - 1];
                double gy = lum[c + w - 1] + 2 * lum[c + w] + lum[c + w + 1] - lum[c - w - 1] - 2 * lum[c - w] - lum[c - w + 1];
                int cell = row * grid + (int)((long)(x - 1) * grid / iw);
                counts[cell]++;
                if (Math.Sqrt(gx * gx + gy * gy) / 4 > threshold) edges[cell]++;
            }
        }
        var vector = new float[edges.Length];
        for (int k = 0; k < vector.Length; k++) vector[k] = (float)edges[k] / counts[k];
        return vector;
    }

    private sealed class Configured(string name, IImageDecoder images, int grid, double threshold) : IConfiguredTarget
    {
        public string Name => name;

        // Everything but the stimuli that decides the output; bump "v1" when the computation changes,
        // so that RepLens's cache does not serve vectors of the old code.
        public string Fingerprint { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"edge-density;v1;grid={grid};threshold={threshold:R}"))));

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
                    vectors[i] = Describe(images.Decode(stimulus.ImagePath), grid, threshold);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
                {
                    throw new InvalidDataException($"Target '{name}' (edge-density): stimulus '{stimulus.Id}' ({stimulus.ImagePath}): {e.Message}", e);
                }
            }
            return TargetRepresentation.FromVectors(stimuli, vectors, DistanceMetric.Euclidean);
        }
    }
}
