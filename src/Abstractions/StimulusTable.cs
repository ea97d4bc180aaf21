using System.Collections;

namespace RepLens.Abstractions;

/// <summary>
/// An ordered set of stimuli with unique ids. The order is the row order of every activation
/// matrix and the row/column order of every RDM computed from it.
/// </summary>
public sealed class StimulusTable : IReadOnlyList<Stimulus>
{
    private readonly Stimulus[] _items;
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a table; ids must be unique and non-empty.</summary>
    /// <param name="stimuli">The stimuli in their analysis order.</param>
    /// <param name="source">Where the table came from (a file path), used in error messages.</param>
    /// <exception cref="ArgumentException">An id is empty or duplicated.</exception>
    public StimulusTable(IEnumerable<Stimulus> stimuli, string source = "stimulus table")
    {
        ArgumentNullException.ThrowIfNull(stimuli);
        Source = source;
        _items = stimuli.ToArray();
        _index = new Dictionary<string, int>(_items.Length, StringComparer.Ordinal);
        for (int i = 0; i < _items.Length; i++)
        {
            var id = _items[i].Id;
            if (string.IsNullOrWhiteSpace(id))
                throw new ArgumentException($"{source}: row {i + 1} has an empty stimulus id.");
            if (!_index.TryAdd(id, i))
                throw new ArgumentException($"{source}: stimulus id '{id}' appears more than once (rows {_index[id] + 1} and {i + 1}); ids must be unique.");
        }
    }

    /// <summary>Where the table came from (a file path or a description).</summary>
    public string Source { get; }

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public Stimulus this[int index] => _items[index];

    /// <summary>The ids in table order.</summary>
    public IReadOnlyList<string> Ids => Array.ConvertAll(_items, s => s.Id);

    /// <summary>Whether every stimulus has a category.</summary>
    public bool HasCategories => _items.Length > 0 && _items.All(s => !string.IsNullOrEmpty(s.Category));

    /// <summary>The row of stimulus <paramref name="id"/>, or -1.</summary>
    /// <param name="id">A stimulus id.</param>
    public int IndexOf(string id) => _index.TryGetValue(id, out var i) ? i : -1;

    /// <summary>A table with the rows in <c>[start, start + count)</c>, same source.</summary>
    /// <param name="start">First row.</param>
    /// <param name="count">Number of rows.</param>
    public StimulusTable Slice(int start, int count) => new(_items.AsSpan(start, count).ToArray(), Source);

    /// <inheritdoc />
    public IEnumerator<Stimulus> GetEnumerator() => ((IEnumerable<Stimulus>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
