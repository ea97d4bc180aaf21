namespace RepLens.Rsa.Units;

/// <summary>
/// How the units selective for one category spread over the feature maps (channels) of a convolutional
/// layer of shape [C, H, W] (batch excluded; units flattened in C order, so unit u lies in channel
/// u / (H·W)): selective units per channel, the channels that have any, and the normalised Shannon
/// entropy of the distribution, H = −Σ_k p_k ln p_k / ln C with p_k the share of channel k — 1 when
/// every channel holds the same number, 0 when all are in one channel.
/// </summary>
/// <param name="Channels">C.</param>
/// <param name="UnitsPerChannel">C counts of selective units.</param>
/// <param name="ChannelsWithSelective">Channels with at least one selective unit.</param>
/// <param name="NormalizedEntropy">H / ln C in [0, 1]; NaN when no unit is selective or C = 1.</param>
public sealed record FeatureMapSpread(int Channels, int[] UnitsPerChannel, int ChannelsWithSelective, double NormalizedEntropy)
{
    /// <summary>Whether a layer of this per-stimulus shape has a channel axis: [C, H, W] (rank 3).</summary>
    /// <param name="shape">The layer's shape, batch excluded.</param>
    public static bool HasChannelAxis(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return shape.Count == 3 && shape.All(d => d > 0);
    }

    /// <summary>The spread of the units selective for <paramref name="group"/>; null for layers without a channel axis.</summary>
    /// <param name="selectiveFor">Per unit (C·H·W of them), the group it is selective for or −1 (<see cref="UnitSelectivityResult.SelectiveFor"/>).</param>
    /// <param name="group">The group.</param>
    /// <param name="shape">The layer's shape, batch excluded.</param>
    /// <exception cref="ArgumentException">The shape does not have as many elements as there are units.</exception>
    public static FeatureMapSpread? Compute(IReadOnlyList<int> selectiveFor, int group, IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(selectiveFor);
        if (!HasChannelAxis(shape)) return null;
        long size = (long)shape[0] * shape[1] * shape[2];
        if (size != selectiveFor.Count)
            throw new ArgumentException($"A layer of shape [{string.Join(", ", shape)}] has {size} units; {selectiveFor.Count} were given.", nameof(shape));
        int channels = shape[0], perChannel = shape[1] * shape[2];
        var counts = new int[channels];
        for (int u = 0; u < selectiveFor.Count; u++)
            if (selectiveFor[u] == group) counts[u / perChannel]++;
        return FromCounts(counts);
    }

    /// <summary>The spread given selective units per channel.</summary>
    /// <param name="unitsPerChannel">C ≥ 1 non-negative counts.</param>
    public static FeatureMapSpread FromCounts(int[] unitsPerChannel)
    {
        ArgumentNullException.ThrowIfNull(unitsPerChannel);
        if (unitsPerChannel.Length == 0) throw new ArgumentException("At least one channel is needed.", nameof(unitsPerChannel));
        if (unitsPerChannel.Any(c => c < 0)) throw new ArgumentException("Counts cannot be negative.", nameof(unitsPerChannel));
        long total = unitsPerChannel.Sum(c => (long)c);
        double entropy = double.NaN;
        if (total > 0 && unitsPerChannel.Length > 1)
        {
            double h = 0;
            foreach (var c in unitsPerChannel)
            {
                if (c == 0) continue;
                double p = c / (double)total;
                h -= p * Math.Log(p);
            }
            entropy = Math.Clamp(h / Math.Log(unitsPerChannel.Length), 0, 1);
        }
        return new FeatureMapSpread(unitsPerChannel.Length, unitsPerChannel, unitsPerChannel.Count(c => c > 0), entropy);
    }

    /// <summary>Indices of the channels with at least one selective unit, ascending.</summary>
    public int[] SelectiveChannels() => Enumerable.Range(0, Channels).Where(k => UnitsPerChannel[k] > 0).ToArray();
}
