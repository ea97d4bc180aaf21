using RepLens.Abstractions;

namespace RepLens.Onnx.Layers;

/// <summary>Op-type facts shared by the naming strategies.</summary>
internal static class OpKinds
{
    /// <summary>Ops that only move or relabel values; outside a module they are not layers of their own.</summary>
    internal static readonly HashSet<string> LayoutOps = new(StringComparer.Ordinal)
    {
        "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Cast", "CastLike", "Expand", "Dropout", "Tile", "Constant",
    };

    internal static LayerKind KindOf(string opType) => opType switch
    {
        "Conv" or "ConvTranspose" or "ConvInteger" or "QLinearConv" => LayerKind.Convolution,
        "Relu" or "LeakyRelu" or "PRelu" or "Elu" or "Selu" or "Celu" or "Sigmoid" or "Tanh" or "Gelu" or "QuickGelu" or "Silu"
            or "HardSigmoid" or "HardSwish" or "Softplus" or "Softsign" or "Mish" or "Clip" or "Softmax" or "LogSoftmax" or "ThresholdedRelu" => LayerKind.Activation,
        "MaxPool" or "AveragePool" or "GlobalAveragePool" or "GlobalMaxPool" or "LpPool" or "GlobalLpPool" => LayerKind.Pooling,
        "BatchNormalization" or "LayerNormalization" or "InstanceNormalization" or "GroupNormalization" or "LpNormalization"
            or "RMSNormalization" or "SimplifiedLayerNormalization" or "LRN" => LayerKind.Normalization,
        "MatMul" or "Gemm" or "MatMulInteger" or "QLinearMatMul" => LayerKind.Linear,
        "Attention" or "MultiHeadAttention" => LayerKind.Attention,
        _ => LayerKind.Other,
    };

    /// <summary>
    /// One op name for a module exported as several nodes: a linear layer (<c>MatMul</c> + <c>Add</c>)
    /// is <c>MatMul</c>, GELU's erf or tanh form is <c>Gelu</c>, CLIP's <c>x·σ(1.702x)</c> is
    /// <c>QuickGelu</c>, a decomposed layer norm is <c>LayerNormalization</c>, attention is
    /// <c>Attention</c>; otherwise the op of the node that writes the module's output.
    /// </summary>
    internal static string CompositeOpType(IReadOnlyList<string> ops, string outputOp)
    {
        if (ops.Count == 1) return ops[0];
        bool Has(string op) => ops.Contains(op, StringComparer.Ordinal);
        if (Has("Softmax") && (Has("MatMul") || Has("Einsum"))) return "Attention";
        if (Has("Erf") || (Has("Tanh") && Has("Pow") && outputOp == "Mul")) return "Gelu";
        if (Has("Sigmoid") && outputOp == "Mul") return Has("Mul") && ops.Count(o => o == "Mul") >= 2 ? "QuickGelu" : "Silu";
        if (Has("ReduceMean") && (Has("Sqrt") || Has("Pow")) && Has("Div")) return "LayerNormalization";
        if (Has("Conv")) return "Conv";
        if (Has("Gemm")) return "Gemm";
        if (Has("MatMul")) return "MatMul";
        return outputOp;
    }
}
