using System.Text.Json;
using RepLens.TestSupport;

namespace RepLens.Host.Tests.Cli;

/// <summary>Configs on the quick-start data (tiny CNN, 48 images) for end-to-end tests of runs, resumes and shards.</summary>
public static class QuickstartConfig
{
    /// <summary>Six layers from the first ReLU to the pooled output: several extraction groups and RDMs, still fast.</summary>
    public const string SixLayers = "\"relu\", \"layer1.0.relu_1\", \"layer2.0.relu_1\", \"layer3.0.relu_1\", \"layer4.0.relu_1\", \"avgpool\"";

    public static string Quickstart(string path) => Path.Combine(Repo.Root, "examples", "quickstart", path);

    /// <summary>Writes a config into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder, string output, string layers = SixLayers, int seed = 1, string targets = "{ \"name\": \"category\", \"kind\": \"category\" }",
        int permutations = 200, int bootstrap = 50, string? name = null)
    {
        var path = Path.Combine(folder, $"{name ?? "config-" + Guid.NewGuid().ToString("N")}.json");
        File.WriteAllText(path, $$"""
            {
              "name": "quick",
              "stimuli": {{JsonSerializer.Serialize(Quickstart("stimuli.csv"))}},
              "output": {{JsonSerializer.Serialize(output)}},
              "seed": {{seed}},
              "models": [ { "name": "tiny", "family": "resnet", "onnx": {{JsonSerializer.Serialize(Quickstart("models/tiny_cnn.onnx"))}}, "layers": [ {{layers}} ] } ],
              "targets": [ {{targets}} ],
              "analyses": [ { "kind": "target-rsa", "permutations": {{permutations}}, "bootstrap": {{bootstrap}} } ]
            }
            """);
        return path;
    }

    /// <summary>The result files of a run folder (tables, RDMs, figures), relative paths, sorted.</summary>
    public static IReadOnlyList<string> ResultFiles(string runFolder) =>
        new[] { "tables", "rdms", "figures" }.Select(d => Path.Combine(runFolder, d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(runFolder, f)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Asserts that two run folders hold the same result files with the same bytes.</summary>
    public static void AssertSameResults(string expected, string actual)
    {
        var files = ResultFiles(expected);
        Xunit.Assert.NotEmpty(files);
        Xunit.Assert.Equal(files, ResultFiles(actual));
        foreach (var f in files)
            Xunit.Assert.True(File.ReadAllBytes(Path.Combine(expected, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, f))),
                $"{f} differs between {expected} and {actual}");
    }

    /// <summary>The cache section of a run's manifest.</summary>
    public static JsonElement Cache(string runFolder) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(runFolder, "manifest.json"))).RootElement.GetProperty("cache").Clone();
}
