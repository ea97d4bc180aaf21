using RepLens.Imaging;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using RepLens.Abstractions;

namespace RepLens.Onnx.Images;

/// <summary>
/// The fitted <see cref="StimulusImageEstimator"/>: adds an image column computed lazily, row by row,
/// from the path column. An image that cannot be decoded fails the cursor with an
/// <see cref="InvalidDataException"/> naming the file (run <see cref="ImageValidator"/> first to skip such
/// stimuli instead). Images are owned by the cursor: a value is valid until the cursor moves on. The
/// next <see cref="PrefetchCount"/> images are decoded ahead on the thread pool, so that decoding and
/// resizing overlap with the network.
/// </summary>
public sealed class StimulusImageTransformer : ITransformer
{
    internal StimulusImageTransformer(string outputColumnName, string imagePathColumnName, Preprocessing preprocessing, int prefetchCount)
    {
        PrefetchCount = prefetchCount;
        OutputColumnName = outputColumnName;
        ImagePathColumnName = imagePathColumnName;
        Preprocessing = preprocessing;
    }

    /// <summary>The image column written.</summary>
    public string OutputColumnName { get; }

    /// <summary>The text column holding image paths.</summary>
    public string ImagePathColumnName { get; }

    /// <summary>Size, crop and interpolation.</summary>
    public Preprocessing Preprocessing { get; }

    /// <summary>How many images are decoded ahead, on the thread pool, while the current one is used (0: none).</summary>
    public int PrefetchCount { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => false;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = inputSchema.GetColumnOrNull(ImagePathColumnName)
            ?? throw new ArgumentException(
                $"The stimulus data has no column '{ImagePathColumnName}' (image paths); its columns are: {string.Join(", ", inputSchema.Select(c => c.Name))}.", nameof(inputSchema));
        if (column.Type is not TextDataViewType)
            throw new ArgumentException($"Column '{ImagePathColumnName}' (image paths) must be text, but is {column.Type}.", nameof(inputSchema));
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(OutputColumnName, new ImageDataViewType(Preprocessing.CropHeight, Preprocessing.CropWidth));
        return builder.ToSchema();
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new View(this, input, GetOutputSchema(input.Schema));
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException("StimulusImageTransformer is not a row-to-row mapper; use Transform.");

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("RepLens extraction pipelines are rebuilt from the model file and are not saved as ML.NET models.");

    /// <summary>Prepares one image (decode, resize, crop) as an RGBA <see cref="MLImage"/>.</summary>
    internal MLImage Load(string path)
    {
        var image = TorchvisionResize.ResizeAndCenterCrop(ImageDecoder.Decode(path),
            Preprocessing.ResizeShorterSide, Preprocessing.CropHeight, Preprocessing.CropWidth, Preprocessing.Interpolation);
        int n = image.Width * image.Height;
        var rgba = new byte[n * 4];
        var rgb = image.Pixels;
        for (int i = 0; i < n; i++)
        {
            rgba[i * 4] = rgb[i * 3];
            rgba[i * 4 + 1] = rgb[i * 3 + 1];
            rgba[i * 4 + 2] = rgb[i * 3 + 2];
            rgba[i * 4 + 3] = 255;
        }
        return MLImage.CreateFromPixels(image.Width, image.Height, MLPixelFormat.Rgba32, rgba);
    }

    private sealed class View(StimulusImageTransformer parent, IDataView input, DataViewSchema schema) : Extraction.AppendedColumnsView(input, schema)
    {
        private readonly StimulusImageTransformer _parent = parent;

        public override DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
            int imageIndex = Schema.Count - 1;
            bool imageActive = needed.Contains(imageIndex);
            var inputNeeded = needed.Where(i => i < imageIndex).Select(i => Input.Schema[i]).ToList();
            var pathColumn = Input.Schema[_parent.ImagePathColumnName];
            if (imageActive && !inputNeeded.Any(c => c.Index == pathColumn.Index)) inputNeeded.Add(pathColumn);
            var cursor = Input.GetRowCursor(inputNeeded, rand);
            // A second cursor over the paths only, run ahead of the first, lets the next images be decoded
            // while the network runs on the current one (only where both cursors see the same row order).
            var lookahead = imageActive && rand is null && _parent.PrefetchCount > 0 ? Input.GetRowCursor(new[] { pathColumn }) : null;
            return new Cursor(_parent, cursor, lookahead, Schema, imageActive, pathColumn);
        }
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly StimulusImageTransformer _parent;
        private readonly DataViewRowCursor _input;
        private readonly DataViewRowCursor? _lookahead;
        private readonly ValueGetter<ReadOnlyMemory<char>>? _lookaheadPath;
        private readonly Queue<(long Position, string Path, Task<MLImage> Image)> _pending = new();
        private readonly bool _imageActive;
        private readonly ValueGetter<ReadOnlyMemory<char>>? _pathGetter;
        private MLImage? _image;
        private long _imagePosition = -1;
        private bool _lookaheadDone;

        public Cursor(StimulusImageTransformer parent, DataViewRowCursor input, DataViewRowCursor? lookahead, DataViewSchema schema, bool imageActive, DataViewSchema.Column pathColumn)
        {
            _parent = parent;
            _input = input;
            Schema = schema;
            _imageActive = imageActive;
            if (imageActive) _pathGetter = input.GetGetter<ReadOnlyMemory<char>>(pathColumn);
            _lookahead = lookahead;
            if (lookahead is not null) _lookaheadPath = lookahead.GetGetter<ReadOnlyMemory<char>>(pathColumn);
        }

        public override DataViewSchema Schema { get; }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index == Schema.Count - 1 ? _imageActive : _input.IsColumnActive(_input.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < Schema.Count - 1) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            if (!_imageActive) throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor.");
            if (typeof(TValue) != typeof(MLImage))
                throw new InvalidOperationException($"Column '{column.Name}' holds MLImage values, not {typeof(TValue).Name}.");
            ValueGetter<MLImage> getter = (ref MLImage value) => value = Current();
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        public override bool MoveNext() => _input.MoveNext();

        private MLImage Current()
        {
            if (_imagePosition == Position && _image is not null) return _image;
            var path = default(ReadOnlyMemory<char>);
            _pathGetter!(ref path);
            var text = path.ToString();
            if (string.IsNullOrWhiteSpace(text))
                throw new InvalidDataException($"Stimulus row {Position + 1} has an empty image path.");
            _image?.Dispose();
            _image = null;
            _image = Take(Position, text) ?? _parent.Load(text);
            _imagePosition = Position;
            return _image;
        }

        /// <summary>The prefetched image of this row (also queues the next ones), or null when there is none.</summary>
        private MLImage? Take(long position, string path)
        {
            if (_lookahead is null) return null;
            while (!_lookaheadDone && _pending.Count <= _parent.PrefetchCount)
            {
                if (!_lookahead.MoveNext())
                {
                    _lookaheadDone = true;
                    break;
                }
                var next = default(ReadOnlyMemory<char>);
                _lookaheadPath!(ref next);
                var nextPath = next.ToString();
                _pending.Enqueue((_lookahead.Position, nextPath, string.IsNullOrWhiteSpace(nextPath)
                    ? Task.FromException<MLImage>(new InvalidDataException("empty path"))
                    : Task.Run(() => _parent.Load(nextPath))));
            }
            while (_pending.Count > 0 && _pending.Peek().Position < position) Discard(_pending.Dequeue().Image);
            if (_pending.Count == 0 || _pending.Peek().Position != position || _pending.Peek().Path != path) return null;
            // GetAwaiter().GetResult() rethrows the decoding error itself (it names the file).
            return _pending.Dequeue().Image.GetAwaiter().GetResult();
        }

        /// <summary>Disposes a prefetched image nobody asked for (its decoding error, if any, is observed and dropped).</summary>
        private static void Discard(Task<MLImage> image) =>
            image.ContinueWith(t =>
            {
                if (t.Status == TaskStatus.RanToCompletion) t.Result.Dispose();
                else _ = t.Exception;
            }, TaskScheduler.Default);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                while (_pending.Count > 0) Discard(_pending.Dequeue().Image);
                _lookahead?.Dispose();
                _image?.Dispose();
                _image = null;
                _input.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
