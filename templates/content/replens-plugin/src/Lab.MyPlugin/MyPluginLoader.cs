using RepLens.Abstractions;

namespace Lab.MyPlugin;

/// <summary>
/// The <c>my-plugin</c> brain data loader. Layout of the data folder (<c>"root"</c> in the config):
/// <code>
/// stimuli.txt             one stimulus id per line: the row order of every response matrix
/// &lt;subject&gt;/&lt;roi&gt;.npy      (stimuli × voxels) responses, float32 or float64, repetitions averaged
/// &lt;subject&gt;/&lt;roi&gt;_left.npy, &lt;roi&gt;_right.npy   optional per-hemisphere responses
/// </code>
/// Replace it with the layout your lab's data has.
/// </summary>
public sealed class MyPluginLoader : IBrainDataLoader
{
    /// <inheritdoc />
    public string Description => "<root>/stimuli.txt and <root>/<subject>/<roi>.npy (stimuli x voxels).";

    /// <inheritdoc />
    public IBrainDataset Open(BrainDataRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.ThrowIfUnknown();
        return MyPluginDataset.Open(request.Root);
    }
}
