using System.Globalization;
using RepLens.Abstractions;

namespace RepLens.Host.Sharding;

/// <summary>
/// Shard <c>I</c> of <c>N</c>, written <c>I/N</c> on the command line. Shards are numbered from 0 to
/// N − 1, as Slurm numbers the tasks of <c>--array=0-(N-1)</c> (<c>$SLURM_ARRAY_TASK_ID</c>).
/// </summary>
internal readonly record struct ShardSpec(int Index, int Count)
{
    public static ShardSpec Parse(string? text, string where)
    {
        var parts = (text ?? "").Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n >= 1 && i < n)
            return new ShardSpec(i, n);
        throw new ConfigurationErrorException(where, $"'{text}' is not a shard; expected I/N with 0 ≤ I < N (shards are numbered from 0, like Slurm array tasks), e.g. 0/4.");
    }

    public override string ToString() => $"{Index}/{Count}";
}
