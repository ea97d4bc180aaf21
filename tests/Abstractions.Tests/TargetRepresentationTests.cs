using Microsoft.ML.Data;
using RepLens.Abstractions;
using Xunit;

namespace RepLens.Abstractions.Tests;

public class TargetRepresentationTests
{
    private static StimulusTable Stimuli(params string[] ids) =>
        new(ids.Select(id => new Stimulus(id, $"/images/{id}.png", null, Array.Empty<string>())));

    [Fact]
    public void FromVectors_ThreeStimuli_CursorYieldsIdsAndVectorsInTableOrder()
    {
        var vectors = new[] { new float[] { 1, 2 }, new float[] { 3, 4 }, new float[] { 5, 6 } };
        var r = TargetRepresentation.FromVectors(Stimuli("a", "b", "c"), vectors, DistanceMetric.Euclidean);

        Assert.Null(r.ReadyRdm);
        Assert.Equal(DistanceMetric.Euclidean, r.Metric);
        Assert.Equal(TargetRepresentation.DefaultVectorColumn, r.VectorColumn);
        var view = r.Vectors!;
        Assert.Equal(3, view.GetRowCount());
        var id = view.Schema[StimulusColumns.Id];
        var column = view.Schema[r.VectorColumn!];
        Assert.IsType<TextDataViewType>(id.Type);
        var vt = Assert.IsType<VectorDataViewType>(column.Type);
        Assert.Equal(2, vt.Size);
        Assert.Equal(NumberDataViewType.Single, vt.ItemType);

        var seen = new List<(string, float[])>();
        using (var cursor = view.GetRowCursor(new[] { id, column }))
        {
            var idGetter = cursor.GetGetter<ReadOnlyMemory<char>>(id);
            var vecGetter = cursor.GetGetter<VBuffer<float>>(column);
            ReadOnlyMemory<char> idValue = default;
            VBuffer<float> buffer = default;
            while (cursor.MoveNext())
            {
                idGetter(ref idValue);
                vecGetter(ref buffer);
                seen.Add((idValue.ToString(), buffer.DenseValues().ToArray()));
            }
        }
        Assert.Equal(new[] { "a", "b", "c" }, seen.Select(s => s.Item1));
        Assert.Equal(vectors, seen.Select(s => s.Item2));
    }

    [Fact]
    public void FromVectors_TwoCursors_AreIndependentAndRepeatable()
    {
        var r = TargetRepresentation.FromVectors(Stimuli("a", "b"), new[] { new float[] { 1 }, new float[] { 2 } }, DistanceMetric.Cosine);
        var column = r.Vectors!.Schema[r.VectorColumn!];
        float[] Read()
        {
            using var c = r.Vectors.GetRowCursor(new[] { column });
            var g = c.GetGetter<VBuffer<float>>(column);
            VBuffer<float> b = default;
            var values = new List<float>();
            while (c.MoveNext()) { g(ref b); values.AddRange(b.DenseValues()); }
            return values.ToArray();
        }
        Assert.Equal(Read(), Read());
    }

    [Fact]
    public void FromVectors_WrongCount_ThrowsNamingBothCounts()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            TargetRepresentation.FromVectors(Stimuli("a", "b", "c"), new[] { new float[] { 1 } }, DistanceMetric.Cosine));
        Assert.Contains("1 vectors were given for 3 stimuli", e.Message);
    }

    [Fact]
    public void FromVectors_DifferentLengths_ThrowsNamingTheStimulus()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            TargetRepresentation.FromVectors(Stimuli("a", "b"), new[] { new float[] { 1, 2 }, new float[] { 1 } }, DistanceMetric.Cosine));
        Assert.Contains("'b'", e.Message);
        Assert.Contains("1 values", e.Message);
    }

    [Fact]
    public void FromVectors_EmptyVector_ThrowsNamingTheStimulus()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            TargetRepresentation.FromVectors(Stimuli("a"), new[] { Array.Empty<float>() }, DistanceMetric.Cosine));
        Assert.Contains("'a'", e.Message);
    }

    [Fact]
    public void FromVectors_GetterOfWrongType_ThrowsNamingTheColumn()
    {
        var r = TargetRepresentation.FromVectors(Stimuli("a"), new[] { new float[] { 1 } }, DistanceMetric.Cosine);
        var column = r.Vectors!.Schema[r.VectorColumn!];
        using var cursor = r.Vectors.GetRowCursor(new[] { column });
        var e = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<VBuffer<double>>(column));
        Assert.Contains(TargetRepresentation.DefaultVectorColumn, e.Message);
    }
}
