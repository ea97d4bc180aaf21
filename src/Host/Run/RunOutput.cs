using RepLens.Abstractions;

namespace RepLens.Host.Run;

/// <summary>The layout of a run folder; every file in it is written atomically.</summary>
internal sealed class RunOutput(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Config => Path.Combine(Root, "config.json");
    public string Manifest => Path.Combine(Root, "manifest.json");
    public string Stimuli => Path.Combine(Root, "stimuli.csv");
    public string Report => Path.Combine(Root, "report.html");
    public string Tables => Path.Combine(Root, "tables");
    public string Figures => Path.Combine(Root, "figures");
    public string Rdms => Path.Combine(Root, "rdms");

    /// <summary><c>rdms/&lt;model&gt;/&lt;layer&gt;.npy</c>; the metric is added to the name unless it is cosine (the default).</summary>
    public string LayerRdm(string model, LayerDescription layer, DistanceMetric metric) =>
        Path.Combine(Rdms, model, layer.SafeName + (metric == DistanceMetric.Cosine ? "" : "." + EnumNames.Name(metric)) + ".npy");
    public string TargetRdm(string target) => Path.Combine(Rdms, "targets", LayerDescription.MakeSafe(target) + ".npy");
    public string Table(string name) => Path.Combine(Tables, name + ".csv");
    public string Figure(string name) => Path.Combine(Figures, name);

    /// <summary>Paths relative to the run folder, for the manifest and the report.</summary>
    public string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    /// <summary>Whether <paramref name="folder"/> looks like a run folder.</summary>
    public static bool IsRunFolder(string folder) =>
        File.Exists(Path.Combine(folder, "manifest.json")) && File.Exists(Path.Combine(folder, "config.json"));
}
