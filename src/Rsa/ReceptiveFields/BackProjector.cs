using RepLens.Abstractions.ReceptiveFields;
using TorchSharp;
using static TorchSharp.torch;

namespace RepLens.Rsa.ReceptiveFields;

/// <summary>
/// Projects units of a deep layer back to a network's input space (He &amp; Pugeault 2018, "Deep saliency:
/// what is learnt by a deep network about saliency?", arXiv:1801.04261): start from a map of the layer's
/// shape that is zero except one unit clamped to a constant c, then walk the network's nodes backwards
/// (<see cref="BackProjectionPlan.Steps"/>) applying each node's rule (<see cref="BackProjectionRule"/>):
/// transposed convolution with the node's own weights (<c>conv_transpose2d</c>; the result cropped or
/// zero-padded to the node's input shape), repetition upsampling for pooling (overlapping windows add;
/// ÷ k×k for average pooling), ReLU, the affine scale of batch normalisation, the signal to both inputs of a
/// residual <c>Add</c> (what reaches one value by several routes adds up), channel splits for <c>Concat</c>,
/// reshapes. Many units go through the network at once as one batch. The weights live on the device for
/// the projector's lifetime; dispose it to free them.
/// </summary>
public sealed class BackProjector : IDisposable
{
    private const int MaxBatch = 64;

    private readonly Device _device;
    private readonly Tensor?[] _weights;
    private readonly Tensor?[] _flipped;
    private readonly Tensor?[] _biases;
    private readonly Tensor?[] _scales;
    private readonly Tensor?[] _poolKernels;
    private readonly int _layerLength;
    private bool _disposed;

    /// <summary>Loads the plan's parameters onto the device.</summary>
    /// <param name="plan">The path from the input to the layer.</param>
    /// <param name="bias">Whether convolution biases are added back.</param>
    /// <param name="device">Where the tensor work runs.</param>
    public BackProjector(BackProjectionPlan plan, BackProjectionBias bias = BackProjectionBias.None, RsaDevice device = RsaDevice.Cpu)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.LayerShape.Count is not (1 or 3))
            throw new ArgumentException($"Model '{plan.Model}', layer '{plan.Layer}': shape [{string.Join(", ", plan.LayerShape)}]; back-projection starts from a [C, H, W] feature map or a [C] vector.", nameof(plan));
        Plan = plan;
        Bias = bias;
        _device = TorchDevices.Resolve(device);
        _layerLength = plan.LayerShape.Aggregate(1, (a, d) => checked(a * d));
        int n = plan.Steps.Count;
        _weights = new Tensor?[n];
        _flipped = new Tensor?[n];
        _biases = new Tensor?[n];
        _scales = new Tensor?[n];
        _poolKernels = new Tensor?[n];
        try
        {
            for (int s = 0; s < n; s++)
            {
                var step = plan.Steps[s];
                switch (step.Rule)
                {
                    case BackProjectionRule.TransposedConvolution:
                        _weights[s] = Upload(step.Weights ?? throw Missing(step, "weights"), step.WeightShape!.Select(d => (long)d).ToArray());
                        if (IsCorrelation(step)) _flipped[s] = _weights[s]!.flip(2, 3).transpose(0, 1).contiguous().DetachFromDisposeScope();
                        if (bias == BackProjectionBias.Include && step.Bias is not null)
                            _biases[s] = Upload(step.Bias, ChannelShape(step.OutputShape));
                        break;
                    case BackProjectionRule.ChannelScale:
                        _scales[s] = Upload(step.Scale ?? throw Missing(step, "scale"), ChannelShape(step.OutputShape));
                        break;
                    case BackProjectionRule.Upsample:
                        var w = step.Window ?? throw Missing(step, "window");
                        if (!IsTiling(w))
                        {
                            int channels = step.OutputShape[0];
                            _poolKernels[s] = ones(new long[] { channels, 1, w.KernelHeight, w.KernelWidth }, dtype: ScalarType.Float32, device: _device);
                        }
                        break;
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The plan being run.</summary>
    public BackProjectionPlan Plan { get; }

    /// <summary>Whether biases are added back.</summary>
    public BackProjectionBias Bias { get; }

    /// <summary>The TorchSharp device doing the work, e.g. <c>cpu</c>.</summary>
    public string DeviceName => _device.ToString();

    /// <summary>Values of one pattern: C × H × W of the network's input.</summary>
    public int InputLength => Plan.InputLength;

    /// <summary>
    /// A batch size whose signals fit <paramref name="memoryBudgetBytes"/>: per pattern, about three times the
    /// largest value on the path (a signal, its successor and a sum in flight), plus the result.
    /// </summary>
    /// <param name="memoryBudgetBytes">Memory the signals may take.</param>
    public int BatchSizeFor(long memoryBudgetBytes)
    {
        long largest = Plan.InputLength;
        foreach (var step in Plan.Steps)
        {
            largest = Math.Max(largest, step.OutputShape.Aggregate(1L, (a, d) => a * d));
            foreach (var shape in step.InputShapes) largest = Math.Max(largest, shape.Aggregate(1L, (a, d) => a * d));
        }
        long perPattern = 4L * (3 * largest + Plan.InputLength);
        return (int)Math.Clamp(memoryBudgetBytes / perPattern, 1, MaxBatch);
    }

    /// <summary>
    /// Back-projects each clamp to the input space: <paramref name="patterns"/> receives one pattern of
    /// <see cref="InputLength"/> values (C × H × W, row-major) per clamp, in order. The clamps are run as one batch.
    /// </summary>
    /// <param name="clamps">The units and constants.</param>
    /// <param name="patterns">Destination, <c>clamps.Count × InputLength</c> values.</param>
    public void Project(IReadOnlyList<UnitClamp> clamps, Span<float> patterns)
    {
        ArgumentNullException.ThrowIfNull(clamps);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int b = clamps.Count;
        if (patterns.Length != (long)b * InputLength)
            throw new ArgumentException($"{b} patterns need {(long)b * InputLength} values; the destination has {patterns.Length}.", nameof(patterns));
        if (b == 0) return;

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var start = new float[(long)b * _layerLength];
        for (int i = 0; i < b; i++) start[(long)i * _layerLength + Offset(clamps[i])] = clamps[i].Value;
        var signals = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [Plan.LayerValue] = tensor(start, Batch(b, Plan.LayerShape)).to(_device),
        };

        for (int s = 0; s < Plan.Steps.Count; s++)
        {
            var step = Plan.Steps[s];
            if (!signals.Remove(step.Output, out var g)) continue;
            switch (step.Rule)
            {
                case BackProjectionRule.TransposedConvolution:
                    Accumulate(signals, step.Inputs[0], TransposedConvolution(s, step, g));
                    break;
                case BackProjectionRule.Upsample:
                    Accumulate(signals, step.Inputs[0], Upsample(s, step, g));
                    break;
                case BackProjectionRule.Relu:
                    Accumulate(signals, step.Inputs[0], nn.functional.relu(g));
                    break;
                case BackProjectionRule.ChannelScale:
                    Accumulate(signals, step.Inputs[0], g * _scales[s]!);
                    break;
                case BackProjectionRule.Fork:
                    foreach (var input in step.Inputs) Accumulate(signals, input, g.alias());
                    break;
                case BackProjectionRule.ChannelSplit:
                    long offset = 0;
                    for (int i = 0; i < step.Inputs.Count; i++)
                    {
                        int channels = step.InputShapes[i][0];
                        Accumulate(signals, step.Inputs[i], g.narrow(1, offset, channels));
                        offset += channels;
                    }
                    break;
                case BackProjectionRule.Reshape:
                    Accumulate(signals, step.Inputs[0], g.reshape(Batch(b, step.InputShapes[0])));
                    break;
                case BackProjectionRule.Pass:
                    Accumulate(signals, step.Inputs[0], g.alias());
                    break;
                default:
                    throw new InvalidOperationException($"{step}: unknown rule {step.Rule}.");
            }
            g.Dispose();
        }

        if (!signals.TryGetValue(Plan.InputValue, out var result))
        {
            patterns.Clear();
            return;
        }
        var cpu = result.to_type(ScalarType.Float32).cpu().contiguous();
        cpu.data<float>().CopyTo(patterns);
    }

    /// <summary>Back-projects the clamps in batches of at most <paramref name="batchSize"/>; see <see cref="Project(IReadOnlyList{UnitClamp}, Span{float})"/>.</summary>
    /// <param name="clamps">The units and constants.</param>
    /// <param name="batchSize">Largest batch (see <see cref="BatchSizeFor"/>).</param>
    /// <param name="sink">Receives each batch: the index of its first clamp and its patterns.</param>
    public void Project(IReadOnlyList<UnitClamp> clamps, int batchSize, BatchSink sink)
    {
        ArgumentNullException.ThrowIfNull(clamps);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var buffer = new float[(long)Math.Min(batchSize, Math.Max(1, clamps.Count)) * InputLength];
        for (int first = 0; first < clamps.Count; first += batchSize)
        {
            int count = Math.Min(batchSize, clamps.Count - first);
            var batch = clamps.Skip(first).Take(count).ToList();
            var span = buffer.AsSpan(0, count * InputLength);
            Project(batch, span);
            sink(first, span);
        }
    }

    /// <summary>Receives one batch of patterns.</summary>
    /// <param name="first">Index of the batch's first clamp.</param>
    /// <param name="patterns">Its patterns, one after the other; valid during the call only.</param>
    public delegate void BatchSink(int first, ReadOnlySpan<float> patterns);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _weights.Concat(_flipped).Concat(_biases).Concat(_scales).Concat(_poolKernels)) t?.Dispose();
    }

    private Tensor TransposedConvolution(int s, BackProjectionStep step, Tensor g)
    {
        var w = step.Window!;
        using var biased = _biases[s] is { } bias ? g + bias : g.alias();
        if (_flipped[s] is { } flipped)
        {
            // Stride 1, one group: the transposed convolution is a correlation with the flipped, transposed kernel
            // (libtorch's forward convolution kernels are faster), padded so that output index i is input index i:
            // top/left by span − 1 − pad, bottom/right by whatever makes the output the input's size.
            var input = step.InputShapes[0];
            long top = w.SpanY - 1 - w.PadTop, left = w.SpanX - 1 - w.PadLeft;
            long bottom = input[1] - step.OutputShape[1] + w.SpanY - 1 - top, right = input[2] - step.OutputShape[2] + w.SpanX - 1 - left;
            var strides = new long[] { 1, 1 };
            var dilation = new long[] { w.DilationY, w.DilationX };
            if (top == bottom && left == right)
                return nn.functional.conv2d(biased, flipped, null, strides: strides, padding: new[] { top, left }, dilation: dilation);
            using var padded = nn.functional.pad(biased, new[] { left, right, top, bottom }, PaddingModes.Constant, 0);
            return nn.functional.conv2d(padded, flipped, null, strides: strides, padding: new long[] { 0, 0 }, dilation: dilation);
        }
        using var full = nn.functional.conv_transpose2d(biased, _weights[s]!, null,
            strides: new long[] { w.StrideY, w.StrideX }, padding: new long[] { 0, 0 }, output_padding: new long[] { 0, 0 },
            groups: step.Groups, dilation: new long[] { w.DilationY, w.DilationX });
        return CropOrPad(full, w.PadTop, w.PadLeft, step.InputShapes[0]);
    }

    /// <summary>Whether a convolution's transposed convolution runs as a plain correlation: stride 1, one group, padding no larger than the kernel's span.</summary>
    private static bool IsCorrelation(BackProjectionStep step) =>
        step.Window is { StrideY: 1, StrideX: 1 } w && step.Groups == 1 && w.PadTop <= w.SpanY - 1 && w.PadLeft <= w.SpanX - 1;

    private Tensor Upsample(int s, BackProjectionStep step, Tensor g)
    {
        var w = step.Window!;
        using var full = _poolKernels[s] is { } kernel
            ? nn.functional.conv_transpose2d(g, kernel, null, strides: new long[] { w.StrideY, w.StrideX }, padding: new long[] { 0, 0 },
                output_padding: new long[] { 0, 0 }, groups: step.OutputShape[0], dilation: new long[] { w.DilationY, w.DilationX })
            : g.repeat_interleave(w.KernelHeight, 2).repeat_interleave(w.KernelWidth, 3);
        var cropped = CropOrPad(full, w.PadTop, w.PadLeft, step.InputShapes[0]);
        if (step.Divisor == 1f) return cropped;
        using (cropped) return cropped / step.Divisor;
    }

    /// <summary>The rows and columns of <paramref name="full"/> that are the input's: index i of the input is index i + offset of the full map; zeros where the full map ends early.</summary>
    private static Tensor CropOrPad(Tensor full, int offsetTop, int offsetLeft, IReadOnlyList<int> inputShape)
    {
        long fullH = full.shape[2], fullW = full.shape[3];
        long top = -offsetTop, bottom = inputShape[1] + offsetTop - fullH;
        long left = -offsetLeft, right = inputShape[2] + offsetLeft - fullW;
        if (top == 0 && bottom == 0 && left == 0 && right == 0) return full.alias();
        return nn.functional.pad(full, new[] { left, right, top, bottom }, PaddingModes.Constant, 0);
    }

    /// <summary>Whether every input position is in exactly one window (kernel = stride, no dilation): upsampling is then plain repetition.</summary>
    private static bool IsTiling(SlidingWindow w) =>
        w.KernelHeight == w.StrideY && w.KernelWidth == w.StrideX && w.DilationY == 1 && w.DilationX == 1;

    private static void Accumulate(Dictionary<string, Tensor> signals, string value, Tensor signal)
    {
        if (signals.TryGetValue(value, out var existing))
        {
            signals[value] = existing + signal;
            existing.Dispose();
            signal.Dispose();
        }
        else
        {
            signals[value] = signal;
        }
    }

    private int Offset(UnitClamp clamp)
    {
        var shape = Plan.LayerShape;
        if (clamp.Channel < 0 || clamp.Channel >= shape[0])
            throw new ArgumentOutOfRangeException(nameof(clamp), $"Layer '{Plan.Layer}' has {shape[0]} channels; channel {clamp.Channel} does not exist.");
        if (shape.Count == 1)
        {
            if (clamp.Y != 0 || clamp.X != 0)
                throw new ArgumentOutOfRangeException(nameof(clamp), $"Layer '{Plan.Layer}' has no spatial axes; the position must be (0, 0).");
            return clamp.Channel;
        }
        if (clamp.Y < 0 || clamp.Y >= shape[1] || clamp.X < 0 || clamp.X >= shape[2])
            throw new ArgumentOutOfRangeException(nameof(clamp), $"Layer '{Plan.Layer}' is {shape[1]}×{shape[2]}; position ({clamp.Y}, {clamp.X}) is outside it.");
        return (clamp.Channel * shape[1] + clamp.Y) * shape[2] + clamp.X;
    }

    private Tensor Upload(float[] values, long[] shape)
    {
        long count = shape.Aggregate(1L, (a, d) => a * d);
        if (values.Length != count)
            throw new ArgumentException($"Model '{Plan.Model}', layer '{Plan.Layer}': a parameter of shape [{string.Join(", ", shape)}] has {values.Length} values.");
        return tensor(values, shape).to(_device).DetachFromDisposeScope();
    }

    private static long[] ChannelShape(IReadOnlyList<int> shape)
    {
        var result = new long[shape.Count + 1];
        Array.Fill(result, 1L);
        result[1] = shape.Count > 0 ? shape[0] : 1;
        return result;
    }

    private static long[] Batch(int b, IReadOnlyList<int> shape) => new long[] { b }.Concat(shape.Select(d => (long)d)).ToArray();

    private static InvalidOperationException Missing(BackProjectionStep step, string what) => new($"{step}: the plan gives no {what}.");
}
