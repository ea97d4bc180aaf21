namespace RepLens.Abstractions;

/// <summary>
/// The version of the plugin contracts. A plugin is built against one version of
/// <c>RepLens.Abstractions</c>; the host accepts plugins built against the same major version and a
/// minor version no newer than its own, and refuses any other with a message naming both versions.
/// </summary>
public static class RepLensContract
{
    /// <summary>The contract version of this build of <c>RepLens.Abstractions</c>.</summary>
    public static Version Version { get; } = typeof(RepLensContract).Assembly.GetName().Version ?? new Version(1, 0, 0, 0);

    /// <summary>
    /// Whether a plugin built against <paramref name="builtAgainst"/> can run on a host whose
    /// contracts are <paramref name="host"/>: same major version, minor version not newer.
    /// </summary>
    /// <param name="builtAgainst">The Abstractions version the plugin references.</param>
    /// <param name="host">The Abstractions version the host provides.</param>
    public static bool IsCompatible(Version builtAgainst, Version host)
    {
        ArgumentNullException.ThrowIfNull(builtAgainst);
        ArgumentNullException.ThrowIfNull(host);
        return builtAgainst.Major == host.Major && builtAgainst.Minor <= host.Minor;
    }
}
