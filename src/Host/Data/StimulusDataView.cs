using Microsoft.ML;
using RepLens.Abstractions;

namespace RepLens.Host.Data;

/// <summary>The stimulus <see cref="IDataView"/> given to extractors: columns of <see cref="StimulusColumns"/>.</summary>
internal static class StimulusDataView
{
    public static IDataView Create(MLContext ml, StimulusTable table) =>
        ml.Data.LoadFromEnumerable(table.Select(s => new Row
        {
            Id = s.Id,
            ImagePath = s.ImagePath,
            Category = s.Category ?? "",
        }));

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string ImagePath { get; set; } = "";
        public string Category { get; set; } = "";
    }
}
