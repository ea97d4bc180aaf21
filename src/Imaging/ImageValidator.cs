namespace RepLens.Imaging;

/// <summary>
/// Decodes every image once, before extraction, so that the host can stop on, or skip, the stimuli
/// whose image is missing, truncated or not an image (the extraction pipeline itself stops at the
/// first such image).
/// </summary>
public static class ImageValidator
{
    /// <summary>The images among <paramref name="paths"/> that cannot be decoded, in list order.</summary>
    /// <param name="paths">Image file paths.</param>
    /// <param name="maxDegreeOfParallelism">Images decoded at once; default: one per core.</param>
    public static IReadOnlyList<ImageProblem> FindProblems(IReadOnlyList<string> paths, int? maxDegreeOfParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var problems = new ImageProblem?[paths.Count];
        Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Environment.ProcessorCount }, i =>
        {
            var path = paths[i];
            try
            {
                if (string.IsNullOrWhiteSpace(path)) throw new InvalidDataException($"Stimulus {i + 1} has an empty image path.");
                ImageDecoder.Decode(path);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
            {
                problems[i] = new ImageProblem(i, path, ex.Message);
            }
        });
        return problems.Where(p => p is not null).Select(p => p!).ToList();
    }
}
