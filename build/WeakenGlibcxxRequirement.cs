using System;
using System.IO;
using System.Text;
// MSBuild inline task (compiled by RoslynCodeTaskFactory against netstandard2.0).
// See Directory.Build.targets for why this exists.
public class RepLensWeakenGlibcxxRequirement : Microsoft.Build.Utilities.Task
{
    const string Wanted = "GLIBCXX_3.4.32";
    const string Library = "libLibTorchSharp.so";

    [Microsoft.Build.Framework.Required]
    public string[] Directories { get; set; }

    [Microsoft.Build.Framework.Output]
    public int Patched { get; set; }

    public override bool Execute()
    {
        var roots = new System.Collections.Generic.List<string>();
        foreach (var d in Directories)
            if (!string.IsNullOrWhiteSpace(d) && Directory.Exists(d)) roots.Add(d);
        if (roots.Count == 0) return true;

        var files = new System.Collections.Generic.List<string>();
        foreach (var root in roots)
            files.AddRange(Directory.GetFiles(root, Library, SearchOption.AllDirectories));
        if (files.Count == 0) return true;
        if (SystemLibstdcxxHas(Wanted))
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                "System libstdc++ provides " + Wanted + "; " + Library + " left as shipped.");
            return true;
        }
        foreach (var f in files)
        {
            try
            {
                if (WeakenIn(f)) { Patched++; Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, "Marked " + Wanted + " weak in " + f); }
            }
            catch (Exception e)
            {
                Log.LogError("Could not patch " + f + " for the older libstdc++ of this system: " + e.Message);
                return false;
            }
        }
        return true;
    }

    static bool SystemLibstdcxxHas(string version)
    {
        string[] candidates = {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" };
        foreach (var c in candidates)
        {
            if (!File.Exists(c)) continue;
            var bytes = File.ReadAllBytes(c);
            var needle = Encoding.ASCII.GetBytes(version + "\0");
            return IndexOf(bytes, needle) >= 0;
        }
        return true; // unknown system: leave the library alone
    }

    static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    // Returns true when the file was changed; false when it was already weak or needs nothing.
    static bool WeakenIn(string path)
    {
        var b = File.ReadAllBytes(path);
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("not a 64-bit little-endian ELF file");
        long shoff = (long)BitConverter.ToUInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A);
        int shnum = BitConverter.ToUInt16(b, 0x3C);
        const uint ShtGnuVerneed = 0x6ffffffe;
        for (int s = 0; s < shnum; s++)
        {
            long h = shoff + (long)s * shentsize;
            uint type = BitConverter.ToUInt32(b, (int)h + 4);
            if (type != ShtGnuVerneed) continue;
            long off = (long)BitConverter.ToUInt64(b, (int)h + 0x18);
            int link = (int)BitConverter.ToUInt32(b, (int)h + 0x28);
            int count = (int)BitConverter.ToUInt32(b, (int)h + 0x2C);
            long strh = shoff + (long)link * shentsize;
            long stroff = (long)BitConverter.ToUInt64(b, (int)strh + 0x18);
            long vn = off;
            for (int i = 0; i < count; i++)
            {
                int cnt = BitConverter.ToUInt16(b, (int)vn + 2);
                uint aux = BitConverter.ToUInt32(b, (int)vn + 8);
                uint next = BitConverter.ToUInt32(b, (int)vn + 12);
                long va = vn + aux;
                for (int k = 0; k < cnt; k++)
                {
                    uint name = BitConverter.ToUInt32(b, (int)va + 8);
                    if (ReadString(b, stroff + name) == Wanted)
                    {
                        ushort flags = BitConverter.ToUInt16(b, (int)va + 4);
                        if ((flags & 0x2) != 0) return false;
                        flags |= 0x2;
                        b[va + 4] = (byte)(flags & 0xff);
                        b[va + 5] = (byte)(flags >> 8);
                        var stamp = File.GetLastWriteTimeUtc(path);
                        var tmp = path + ".replens-tmp";
                        File.WriteAllBytes(tmp, b);
                        File.SetLastWriteTimeUtc(tmp, stamp);
                        File.Delete(path);
                        File.Move(tmp, path);
                        return true;
                    }
                    uint anext = BitConverter.ToUInt32(b, (int)va + 12);
                    if (anext == 0) break;
                    va += anext;
                }
                if (next == 0) break;
                vn += next;
            }
        }
        return false;
    }

    static string ReadString(byte[] b, long at)
    {
        int end = (int)at;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
    }
}
