using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Abstractions.ReceptiveFields;

namespace RepLens.Host.ReceptiveFields;

/// <summary>
/// Feeds every back-projected pattern forward, from the network's input through the model's ML.NET
/// extraction pipeline (<see cref="IBackProjectableModel.ExtractFromInputTensors"/>), and records each
/// channel's response at the layer summed over positions, and the rank of the clamped channel (1 = largest):
/// does the pattern drive the unit it came from? Writes validation.csv.
/// </summary>
internal sealed class ForwardValidation(ReceptiveFieldOptions options, ExtractionOptions extraction, ILogger log, CancellationToken cancellation)
{
    public static readonly string[] Columns = { "unit", "constant", "channel", "response", "clamped_rank", "rank", "clamped" };

    /// <summary>What the validation of one layer found: how often the clamped channel ranked first, and the bars of the units shown.</summary>
    /// <param name="Patterns">Patterns fed forward.</param>
    /// <param name="RankedFirst">Patterns whose clamped channel had the largest response.</param>
    /// <param name="MedianRank">Median rank of the clamped channel.</param>
    /// <param name="Bars">Per shown unit, every channel's response at the reference constant.</param>
    public sealed record LayerSummary(int Patterns, int RankedFirst, double MedianRank, IReadOnlyList<double[]> Bars);

    public void Run(string modelName, IBackProjectableModel model, IReadOnlyList<ReceptiveFieldStudy.LayerRun> runs, string patternsPath, string csvPath)
    {
        CsvTable.Write(csvPath, Columns, Rows(modelName, model, runs, patternsPath));
    }

    private IEnumerable<IReadOnlyList<string>> Rows(string modelName, IBackProjectableModel model, IReadOnlyList<ReceptiveFieldStudy.LayerRun> runs, string patternsPath)
    {
        var inv = CultureInfo.InvariantCulture;
        int k = options.Constants.Count;
        int reference = options.ReferenceConstant;
        var ml = new MLContext(seed: 0);
        foreach (var run in runs)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var layer = run.Layer;
            int count = run.Units.Count * k;
            var view = PatternFile.View(ml, patternsPath, run.Plan.InputLength, (long)run.FirstUnit * k, count);
            var output = model.ExtractFromInputTensors(view, nameof(PatternFile.InputRow.Input), new[] { layer }, extraction);
            var column = output.Schema[layer.SafeName];
            int channels = layer.Shape[0];
            int positions = (int)(layer.FeatureCount / channels);
            var responses = new double[channels];
            var order = new int[channels];
            var ranks = new List<double>(count);
            int first = 0, index = 0;
            var bars = new List<double[]>();
            var buffer = default(VBuffer<float>);
            using (var cursor = output.GetRowCursor(new[] { column }))
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                while (cursor.MoveNext())
                {
                    cancellation.ThrowIfCancellationRequested();
                    getter(ref buffer);
                    var values = buffer.DenseValues().GetEnumerator();
                    for (int c = 0; c < channels; c++)
                    {
                        double sum = 0;
                        for (int p = 0; p < positions && values.MoveNext(); p++) sum += values.Current;
                        responses[c] = sum;
                    }
                    int u = index / k, ki = index % k;
                    int clamped = run.Units[u].Channel;
                    var rank = Ranks(responses, order);
                    ranks.Add(rank[clamped]);
                    if (rank[clamped] == 1) first++;
                    if (ki == reference && u < Math.Min(options.ValidationFigures, run.Units.Count)) bars.Add((double[])responses.Clone());
                    for (int c = 0; c < channels; c++)
                        yield return new[]
                        {
                            (run.FirstUnit + u).ToString(inv), ReceptiveFieldOptions.Format(options.Constants[ki]), c.ToString(inv),
                            responses[c].ToString("R", inv), rank[clamped].ToString(inv), rank[c].ToString(inv), c == clamped ? "true" : "false",
                        };
                    index++;
                }
            }
            if (index != count) throw new InvalidOperationException($"Model '{modelName}', layer '{layer.Name}': {index} of {count} patterns came back from the forward pass.");
            ranks.Sort();
            double median = ranks.Count == 0 ? double.NaN : ranks.Count % 2 == 1 ? ranks[ranks.Count / 2] : (ranks[ranks.Count / 2 - 1] + ranks[ranks.Count / 2]) / 2;
            run.Validation = new LayerSummary(count, first, median, bars);
            log.LogInformation("Forward validation {Model} {Layer}: the clamped channel has the largest summed response for {First} of {Count} patterns ({Seconds:0.0} s)",
                modelName, layer.Name, first, count, clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>Competition ranks, 1 = largest; ties share the better rank.</summary>
    private static int[] Ranks(double[] values, int[] order)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => values[b].CompareTo(values[a]));
        var rank = new int[values.Length];
        for (int i = 0; i < order.Length; i++)
            rank[order[i]] = i > 0 && values[order[i]] == values[order[i - 1]] ? rank[order[i - 1]] : i + 1;
        return rank;
    }
}
