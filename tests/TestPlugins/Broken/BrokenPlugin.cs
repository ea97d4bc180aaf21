using Microsoft.Extensions.DependencyInjection;
using RepLens.Abstractions;

namespace Broken;

/// <summary>A plugin that throws while registering: the host must report it and load the others.</summary>
public sealed class BrokenPlugin : IRepLensPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        throw new InvalidOperationException("deliberately broken test plugin");
}
