using System;
using System.IO;

// MSBuild inline task: copies each plugin project's build output to <Destination>/<ProjectFolderName>/,
// leaving out files that the host output already holds byte for byte (the host shares those with
// plugins: the contracts, ML.NET, ONNX Runtime, TorchSharp). Stale files of an earlier copy are kept
// only if the plugin still produces them.
public class RepLensCopyPlugins : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] PluginProjects { get; set; }
    [Microsoft.Build.Framework.Required] public string Configuration { get; set; }
    [Microsoft.Build.Framework.Required] public string TargetFramework { get; set; }
    [Microsoft.Build.Framework.Required] public string HostDirectory { get; set; }
    [Microsoft.Build.Framework.Required] public string Destination { get; set; }

    public override bool Execute()
    {
        var host = Path.GetFullPath(HostDirectory);
        foreach (var item in PluginProjects)
        {
            var proj = Path.GetFullPath(item.ItemSpec);
            var projDir = Path.GetDirectoryName(proj);
            var name = Path.GetFileName(projDir);
            var output = Path.Combine(projDir, "bin", Configuration, TargetFramework);
            if (!Directory.Exists(output))
            {
                Log.LogWarning("Plugin " + name + " has no build output at " + output + "; build the solution first.");
                continue;
            }
            var dest = Path.Combine(Path.GetFullPath(Destination), name);
            if (Directory.Exists(dest)) Directory.Delete(dest, true);
            int copied = 0, shared = 0;
            foreach (var file in Directory.GetFiles(output, "*", SearchOption.AllDirectories))
            {
                var rel = file.Substring(output.Length).TrimStart(Path.DirectorySeparatorChar);
                var hostFile = Path.Combine(host, rel);
                if (!rel.EndsWith(".deps.json", StringComparison.Ordinal) && !rel.EndsWith("plugin.json", StringComparison.Ordinal)
                    && File.Exists(hostFile) && SameContent(file, hostFile))
                {
                    shared++;
                    continue;
                }
                var target = Path.Combine(dest, rel);
                Directory.CreateDirectory(Path.GetDirectoryName(target));
                File.Copy(file, target, true);
                copied++;
            }
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                "Plugin " + name + ": " + copied + " files copied to " + dest + ", " + shared + " shared with the host.");
        }
        return !Log.HasLoggedErrors;
    }

    static bool SameContent(string a, string b)
    {
        var fa = new FileInfo(a);
        var fb = new FileInfo(b);
        if (fa.Length != fb.Length) return false;
        const int Size = 1 << 16;
        var ba = new byte[Size];
        var bb = new byte[Size];
        using (var sa = File.OpenRead(a))
        using (var sb = File.OpenRead(b))
        {
            while (true)
            {
                int na = sa.Read(ba, 0, Size);
                int nb = sb.Read(bb, 0, Size);
                if (na != nb) return false;
                if (na == 0) return true;
                for (int i = 0; i < na; i++) if (ba[i] != bb[i]) return false;
            }
        }
    }
}
