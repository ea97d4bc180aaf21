using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace RepLens.Onnx.Extraction;

/// <summary>
/// Runs an ONNX model once per row and exposes its outputs as float vector columns. Each cursor binds
/// its own input and output buffers to the session (ONNX Runtime I/O binding) once, so a row costs one
/// model run and one copy per column read, and memory does not grow with the number of rows. Dispose the
/// transformer to release the session.
/// </summary>
public sealed class OnnxLayerScoringTransformer : ITransformer, IDisposable
{
    private readonly InferenceSession _session;
    private readonly long[] _inputShape;
    private readonly OnnxLayerOutput[] _outputs;
    private bool _disposed;

    internal OnnxLayerScoringTransformer(byte[] model, string inputColumnName, long[] inputShape, OnnxLayerOutput[] outputs, int? gpuDeviceId, bool fallbackToCpu, bool optimizeGraph)
    {
        InputColumnName = inputColumnName;
        _inputShape = inputShape;
        _outputs = outputs;
        _session = CreateSession(model, gpuDeviceId, fallbackToCpu, optimizeGraph ? GraphOptimizationLevel.ORT_ENABLE_ALL : ExtractionOptimizationLevel);
    }

    /// <summary>The input column (and model input) name.</summary>
    public string InputColumnName { get; }

    /// <summary>The outputs written as columns.</summary>
    public IReadOnlyList<OnnxLayerOutput> Outputs => _outputs;

    /// <inheritdoc />
    public bool IsRowToRowMapper => false;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema, InputColumnName, _inputShape);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var output in _outputs)
            builder.AddColumn(output.Name, new VectorDataViewType(NumberDataViewType.Single, output.ColumnDimensions.ToArray()));
        return builder.ToSchema();
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new View(this, input, GetOutputSchema(input.Schema));
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException("OnnxLayerScoringTransformer is not a row-to-row mapper; use Transform.");

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("RepLens extraction pipelines are rebuilt from the model file and are not saved as ML.NET models.");

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
    }

    internal static void CheckInput(DataViewSchema schema, string name, long[] shape)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"The data has no column '{name}' (the ONNX model's input); its columns are: {string.Join(", ", schema.Select(c => c.Name))}.", nameof(schema));
        long size = shape.Aggregate(1L, (a, b) => a * b);
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType n } vector || n != NumberDataViewType.Single || vector.Size != size)
            throw new ArgumentException($"Column '{name}' must be a vector of {size} floats (shape [{string.Join(", ", shape)}]), but is {column.Type}.", nameof(schema));
    }

    private static InferenceSession CreateSession(byte[] model, int? gpuDeviceId, bool fallbackToCpu, GraphOptimizationLevel level)
    {
        if (gpuDeviceId is { } device)
        {
            try
            {
                using var gpu = SessionOptions.MakeSessionOptionWithCudaProvider(device);
                gpu.GraphOptimizationLevel = level;
                return new InferenceSession(model, gpu);
            }
            catch (Exception ex) when (fallbackToCpu && ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                // The CPU below.
            }
        }
        using var options = new SessionOptions { GraphOptimizationLevel = level };
        return new InferenceSession(model, options);
    }

    /// <summary>
    /// No graph rewriting: ONNX Runtime fuses nodes (Conv+BatchNorm, NCHWc layouts) only where no
    /// intermediate output is requested, so with optimisations on, a layer's activations changed in the
    /// last bits with the set of layers extracted alongside it (measured: up to 2e-6 on the quick-start
    /// CNN). Activations must be a function of (model, layer, image) alone: the content-addressed cache
    /// keys them so, a resumed run re-extracts only missing layers, and a sharded run extracts layer
    /// groups separately, all byte-identical to one pass. Cost: about a quarter more CPU time per image.
    /// </summary>
    internal const GraphOptimizationLevel ExtractionOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;

    private sealed class View(OnnxLayerScoringTransformer parent, IDataView input, DataViewSchema schema) : Extraction.AppendedColumnsView(input, schema)
    {
        private readonly OnnxLayerScoringTransformer _parent = parent;

        public override DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            int first = Input.Schema.Count;
            var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
            bool run = needed.Any(i => i >= first);
            var inputNeeded = needed.Where(i => i < first).Select(i => Input.Schema[i]).ToList();
            var inputColumn = Input.Schema[_parent.InputColumnName];
            if (run && !inputNeeded.Any(c => c.Index == inputColumn.Index)) inputNeeded.Add(inputColumn);
            return new Cursor(_parent, Input.GetRowCursor(inputNeeded, rand), Schema, first, run ? needed : null, inputColumn);
        }
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly OnnxLayerScoringTransformer _parent;
        private readonly DataViewRowCursor _input;
        private readonly int _first;
        private readonly HashSet<int>? _active;
        private readonly ValueGetter<VBuffer<float>>? _inputGetter;
        private readonly float[] _inputBuffer = Array.Empty<float>();
        private readonly float[][] _outputBuffers = Array.Empty<float[]>();
        private readonly List<IDisposable> _owned = new();
        private readonly OrtIoBinding? _binding;
        private readonly RunOptions? _runOptions;
        private VBuffer<float> _pixels;
        private long _computed = -1;

        public Cursor(OnnxLayerScoringTransformer parent, DataViewRowCursor input, DataViewSchema schema, int first, HashSet<int>? active, DataViewSchema.Column inputColumn)
        {
            _parent = parent;
            _input = input;
            Schema = schema;
            _first = first;
            _active = active;
            if (active is null) return;

            _inputGetter = input.GetGetter<VBuffer<float>>(inputColumn);
            _inputBuffer = new float[parent._inputShape.Aggregate(1L, (a, b) => a * b)];
            _outputBuffers = parent._outputs.Select(o => new float[o.Length]).ToArray();
            _binding = parent._session.CreateIoBinding();
            _owned.Add(_binding);
            var inputValue = OrtValue.CreateTensorValueFromMemory(_inputBuffer, parent._inputShape);
            _owned.Add(inputValue);
            _binding.BindInput(parent.InputColumnName, inputValue);
            for (int i = 0; i < parent._outputs.Length; i++)
            {
                var value = OrtValue.CreateTensorValueFromMemory(_outputBuffers[i], parent._outputs[i].Shape.ToArray());
                _owned.Add(value);
                _binding.BindOutput(parent._outputs[i].Name, value);
            }
            _runOptions = new RunOptions();
            _owned.Add(_runOptions);
        }

        public override DataViewSchema Schema { get; }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index < _first ? _input.IsColumnActive(_input.Schema[column.Index]) : _active?.Contains(column.Index) == true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < _first) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            if (_active?.Contains(column.Index) != true) throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor.");
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"Column '{column.Name}' holds VBuffer<float> values, not {typeof(TValue).Name}.");
            int k = column.Index - _first;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                Run();
                var source = _outputBuffers[k];
                var editor = VBufferEditor.Create(ref value, source.Length);
                source.AsSpan().CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        public override bool MoveNext() => _input.MoveNext();

        private void Run()
        {
            if (_computed == Position) return;
            _inputGetter!(ref _pixels);
            if (_pixels.Length != _inputBuffer.Length)
                throw new InvalidOperationException($"Row {Position + 1}: input '{_parent.InputColumnName}' has {_pixels.Length} values, the model takes {_inputBuffer.Length}.");
            _pixels.CopyTo(_inputBuffer);
            _parent._session.RunWithBinding(_runOptions!, _binding!);
            _computed = Position;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
                _owned.Clear();
                _input.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
