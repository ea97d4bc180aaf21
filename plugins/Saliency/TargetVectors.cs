using System.Security.Cryptography;
using System.Text;
using RepLens.Abstractions;

namespace RepLens.Plugins.Saliency;

/// <summary>Helpers the saliency targets share: per-stimulus work with errors that name the stimulus, hashing, option reading.</summary>
internal static class TargetVectors
{
    /// <summary>
    /// Runs <paramref name="compute"/> for every stimulus (in parallel when allowed; results in table order).
    /// Input problems (missing, empty, undecodable or wrong-size files) are collected and reported together,
    /// first by table order, each naming the stimulus id.
    /// </summary>
    public static float[][] ComputeAll(string targetDescription, StimulusTable stimuli, int maxDegreeOfParallelism,
        CancellationToken cancellationToken, Func<Stimulus, float[]> compute)
    {
        ArgumentNullException.ThrowIfNull(stimuli);
        int n = stimuli.Count;
        var vectors = new float[n][];
        var errors = new Exception?[n];
        var po = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, n, po, i =>
        {
            try
            {
                vectors[i] = compute(stimuli[i]);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException)
            {
                errors[i] = e;
            }
        });
        var failed = Enumerable.Range(0, n).Where(i => errors[i] is not null).ToArray();
        if (failed.Length > 0)
        {
            var first = failed[0];
            var sb = new StringBuilder($"{targetDescription}: stimulus '{stimuli[first].Id}': {errors[first]!.Message}");
            if (failed.Length > 1)
            {
                sb.Append($" ({failed.Length - 1} more stimuli failed: ");
                sb.Append(string.Join("; ", failed.Skip(1).Take(5).Select(i => $"'{stimuli[i].Id}': {errors[i]!.Message}")));
                if (failed.Length > 6) sb.Append("; …");
                sb.Append(')');
            }
            throw new InvalidDataException(sb.ToString(), errors[first]);
        }
        return vectors;
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="text"/>.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Reads <c>"size"</c>: one number (a square) or [width, height]; pixels, 1 to 4096.</summary>
    public static (int Width, int Height) ReadSize(PluginOptions options, string key, int fallback)
    {
        var raw = options.GetRaw(key);
        if (raw is null) return (fallback, fallback);
        var values = options.GetDoubleList(key);
        if (values.Count is not (1 or 2) || values.Any(v => v != Math.Floor(v) || v < 1 || v > 4096))
            throw new ConfigurationErrorException($"{options.Path}.{key}",
                "expected a size in pixels: one whole number (a square) or [width, height], each between 1 and 4096.");
        return values.Count == 1 ? ((int)values[0], (int)values[0]) : ((int)values[0], (int)values[1]);
    }

    /// <summary>Reads <c>"maxDegreeOfParallelism"</c>: -1 (all cores, the default) or a positive count.</summary>
    public static int ReadParallelism(PluginOptions options)
    {
        int dop = options.GetInt32("maxDegreeOfParallelism", -1);
        if (dop == 0 || dop < -1)
            throw new ConfigurationErrorException($"{options.Path}.maxDegreeOfParallelism", $"expected -1 (all cores) or a positive number of threads; got {dop}.");
        return dop;
    }

}
