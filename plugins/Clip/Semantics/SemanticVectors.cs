using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions;

namespace RepLens.Plugins.Clip.Semantics;

/// <summary>The output view of the captions target: the id column and a fixed-size float vector column, one row per stimulus.</summary>
internal static class SemanticVectors
{
    public const string Column = "Semantics";

    public static IDataView ToDataView(StimulusTable stimuli, float[][] vectors, int length)
    {
        var rows = new Row[stimuli.Count];
        for (int i = 0; i < rows.Length; i++) rows[i] = new Row { Id = stimuli[i].Id, Values = vectors[i] };
        var schema = SchemaDefinition.Create(typeof(Row));
        var values = schema[nameof(Row.Values)];
        values.ColumnName = Column;
        values.ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
        schema[nameof(Row.Id)].ColumnName = StimulusColumns.Id;
        return new MLContext(seed: 0).Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>One output row; ML.NET reads it by reflection, so it must be public.</summary>
    public sealed class Row
    {
        public string Id { get; set; } = "";

        public float[] Values { get; set; } = [];
    }
}
