using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>ONNX Runtime helpers shared by the ONNX text encoders.</summary>
internal static class OnnxText
{
    /// <summary>The ONNX Runtime version in use (part of every ONNX encoder's fingerprint).</summary>
    public static string RuntimeVersion { get; } = "onnxruntime " + (typeof(InferenceSession).Assembly.GetName().Version?.ToString() ?? "unknown");

    /// <summary>A CPU session on <paramref name="path"/>, or an <see cref="InvalidDataException"/> naming the file.</summary>
    public static InferenceSession Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX text encoder '{path}' does not exist.", path);
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path}: ONNX Runtime cannot load it as a model: {e.Message}", e);
        }
    }

    /// <summary>Whether an input takes integer token ids.</summary>
    public static bool IsInteger(NodeMetadata m) =>
        m.IsTensor && (m.ElementDataType == TensorElementType.Int64 || m.ElementDataType == TensorElementType.Int32);

    /// <summary>Input and output signatures, for messages.</summary>
    public static string Describe(InferenceSession session) =>
        "inputs " + string.Join(", ", session.InputMetadata.Select(kv => $"{kv.Key} {kv.Value.ElementDataType} [{string.Join(", ", kv.Value.Dimensions)}]")) +
        "; outputs " + string.Join(", ", session.OutputMetadata.Select(kv => $"{kv.Key} {kv.Value.ElementDataType} [{string.Join(", ", kv.Value.Dimensions)}]"));

    /// <summary>An OrtValue of token ids in the element type the input wants.</summary>
    public static OrtValue Ids(NodeMetadata input, long[] ids, long[] shape)
    {
        if (input.ElementDataType == TensorElementType.Int32)
            return OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(ids, x => checked((int)x)), shape);
        return OrtValue.CreateTensorValueFromMemory(ids, shape);
    }
}
