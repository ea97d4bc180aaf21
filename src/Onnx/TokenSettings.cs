using System.Text.Json;
using RepLens.Abstractions;
using RepLens.Onnx.Layers;

namespace RepLens.Onnx;

/// <summary>
/// The token options of a transformer model: <c>tokens</c> (all, cls, mean: the default for every
/// token layer), <c>layerTokens</c> (an object of layer selector → pooling; the first selector that
/// matches a layer wins) and <c>prefixTokens</c> (tokens before the patch tokens, default 1: the class
/// token).
/// </summary>
internal sealed class TokenSettings
{
    private readonly List<(string Selector, TokenPooling Pooling)> _perLayer;

    private TokenSettings(TokenPooling defaultPooling, List<(string, TokenPooling)> perLayer, int prefixTokens)
    {
        Default = defaultPooling;
        _perLayer = perLayer;
        PrefixTokens = prefixTokens;
    }

    internal TokenPooling Default { get; }

    internal int PrefixTokens { get; }

    internal static TokenSettings Parse(OnnxModelSettings settings, PluginOptions options)
    {
        if (!settings.SupportsTokenPooling) return new TokenSettings(TokenPooling.All, new(), 1);
        var pooling = options.GetEnum("tokens", TokenPooling.All);
        int prefix = options.GetInt32("prefixTokens", 1);
        if (prefix < 0) throw new ConfigurationErrorException($"{options.Path}.prefixTokens", $"must be 0 or more, found {prefix}.");
        var perLayer = new List<(string, TokenPooling)>();
        if (options.GetRaw("layerTokens") is { } raw)
        {
            if (raw.ValueKind != JsonValueKind.Object)
                throw new ConfigurationErrorException($"{options.Path}.layerTokens", "expected an object of layer selector → all, cls or mean.");
            foreach (var p in raw.EnumerateObject())
            {
                var path = $"{options.Path}.layerTokens.{p.Name}";
                if (p.Value.ValueKind != JsonValueKind.String) throw new ConfigurationErrorException(path, "expected all, cls or mean.");
                perLayer.Add((p.Name, EnumNames.Parse<TokenPooling>(p.Value.GetString(), path)));
            }
        }
        return new TokenSettings(pooling, perLayer, prefix);
    }

    internal TokenPooling PoolingFor(LayerDescription layer)
    {
        foreach (var (selector, pooling) in _perLayer)
        {
            if (LayerSelector.Matches(layer, selector)) return pooling;
        }
        return Default;
    }

    /// <summary>A <c>layerTokens</c> selector that matches no token layer is a typo: say so.</summary>
    internal void ThrowIfUnused(IReadOnlyList<LayerDescription> tokenLayers, string optionsPath)
    {
        foreach (var (selector, _) in _perLayer)
        {
            if (tokenLayers.Any(l => LayerSelector.Matches(l, selector))) continue;
            throw new ConfigurationErrorException($"{optionsPath}.layerTokens.{selector}",
                tokenLayers.Count == 0
                    ? "the model has no token layers (N×T×D outputs)."
                    : $"matches no token layer; nearest token layers: {LayerSelector.Nearest(tokenLayers, selector)}.");
        }
    }

    public override string ToString() =>
        $"tokens={EnumNames.Name(Default)};prefix={PrefixTokens};" + string.Join(";", _perLayer.Select(p => $"{p.Selector}={EnumNames.Name(p.Pooling)}"));
}
