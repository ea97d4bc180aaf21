namespace RepLens.Abstractions;

/// <summary>
/// Column names of the stimulus <see cref="Microsoft.ML.IDataView"/> the host gives to extractors and
/// targets: one row per stimulus, in table order, all columns of text type.
/// </summary>
public static class StimulusColumns
{
    /// <summary>The stimulus id.</summary>
    public const string Id = "Id";

    /// <summary>The absolute image path.</summary>
    public const string ImagePath = "ImagePath";

    /// <summary>The category label (empty when the table has none).</summary>
    public const string Category = "Category";
}
