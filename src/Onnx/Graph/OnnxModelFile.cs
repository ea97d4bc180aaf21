using Google.Protobuf;
using RepLens.Onnx.Proto;

namespace RepLens.Onnx.Graph;

/// <summary>
/// Reads an ONNX file into memory: parses it with RepLens's own schema subset, checks that it is a
/// complete ONNX graph (a truncated file fails here, naming the file), and inlines tensors stored as
/// external data so that the rewritten model is self-contained.
/// </summary>
internal static class OnnxModelFile
{
    /// <summary>Largest model (file plus external data) read into memory: protobuf messages stop at 2 GB.</summary>
    internal const long MaxModelBytes = 2_000_000_000;

    internal static ModelProto Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"ONNX model file '{path}' does not exist.", path);
        if (info.Length == 0) throw new InvalidDataException($"'{path}' is empty: not an ONNX model.");
        if (info.Length > MaxModelBytes)
            throw new NotSupportedException(
                $"'{path}' is {info.Length / 1e9:F1} GB: RepLens reads ONNX files up to 2 GB (the protobuf limit). " +
                "Export the model with its weights as external data (onnx.save_model(..., save_as_external_data=True)); " +
                "RepLens then reads the graph and the weights separately, up to 2 GB of weights in all.");

        ModelProto model;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            model = Parse(stream, path);
        Validate(model, path);
        InlineExternalData(model, path);
        return model;
    }

    internal static ModelProto Parse(Stream stream, string source)
    {
        ModelProto model;
        try
        {
            using var coded = CodedInputStream.CreateWithLimits(stream, int.MaxValue, 200);
            model = ModelProto.Parser.ParseFrom(coded);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"'{source}' is not a readable ONNX model (truncated or not ONNX at all): {ex.Message}", ex);
        }
        return model;
    }

    /// <summary>Structural checks that catch files which parse as protobuf but are not (complete) ONNX models.</summary>
    internal static void Validate(ModelProto model, string source)
    {
        if (model.Graph is null || model.Graph.Node.Count == 0 || model.IrVersion <= 0)
            throw new InvalidDataException(
                $"'{source}' is not an ONNX model: it has no graph (ir_version {model.IrVersion}, {model.Graph?.Node.Count ?? 0} nodes).");
        if (model.OpsetImport.Count == 0)
            throw new InvalidDataException($"'{source}' is truncated or corrupt: the ONNX model declares no operator set (opset_import is missing).");

        var defined = new HashSet<string>(StringComparer.Ordinal) { "" };
        foreach (var i in model.Graph.Input) defined.Add(i.Name);
        foreach (var t in model.Graph.Initializer) defined.Add(t.Name);
        foreach (var node in model.Graph.Node)
        {
            foreach (var input in node.Input)
            {
                if (!defined.Contains(input))
                    throw new InvalidDataException(
                        $"'{source}' is truncated or corrupt: input '{input}' of node '{node.Name}' ({node.OpType}) is not produced by any earlier node, graph input or initializer.");
            }
            foreach (var output in node.Output) defined.Add(output);
        }
        foreach (var output in model.Graph.Output)
        {
            if (!defined.Contains(output.Name))
                throw new InvalidDataException($"'{source}' is truncated or corrupt: graph output '{output.Name}' is produced by no node.");
        }
    }

    /// <summary>
    /// Reads tensors stored outside the model file (ONNX external data: <c>location</c>, <c>offset</c>,
    /// <c>length</c> relative to the model's folder) into the tensors themselves.
    /// </summary>
    private static void InlineExternalData(ModelProto model, string path)
    {
        var external = model.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External).ToList();
        if (external.Count == 0) return;

        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        long total = new FileInfo(path).Length;
        var handles = new Dictionary<string, FileStream>(StringComparer.Ordinal);
        try
        {
            foreach (var tensor in external)
            {
                var entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
                if (!entries.TryGetValue("location", out var location) || string.IsNullOrEmpty(location))
                    throw new InvalidDataException($"'{path}': tensor '{tensor.Name}' is stored as external data but names no file (external_data.location).");
                var file = Path.GetFullPath(Path.Combine(folder, location));
                long offset = entries.TryGetValue("offset", out var o) ? long.Parse(o, System.Globalization.CultureInfo.InvariantCulture) : 0;
                if (!handles.TryGetValue(file, out var stream))
                {
                    if (!File.Exists(file))
                        throw new FileNotFoundException(
                            $"'{path}': the weights of tensor '{tensor.Name}' are stored in external file '{location}', which is not in '{folder}'. Keep the .onnx file and its external data files together.", file);
                    stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
                    handles[file] = stream;
                }
                long length = entries.TryGetValue("length", out var l) ? long.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : stream.Length - offset;
                total += length;
                if (total > MaxModelBytes)
                    throw new NotSupportedException($"'{path}': the model and its external data exceed 2 GB; RepLens reads models up to 2 GB in all.");
                if (offset < 0 || length < 0 || offset + length > stream.Length)
                    throw new InvalidDataException(
                        $"'{path}': tensor '{tensor.Name}' asks for bytes {offset}..{offset + length} of '{location}', which has {stream.Length} bytes (truncated external data file?).");
                var buffer = new byte[length];
                stream.Position = offset;
                stream.ReadExactly(buffer);
                tensor.RawData = UnsafeByteOperations.UnsafeWrap(buffer);
                tensor.ExternalData.Clear();
                tensor.DataLocation = TensorProto.Types.DataLocation.Default;
            }
        }
        finally
        {
            foreach (var s in handles.Values) s.Dispose();
        }
    }
}
