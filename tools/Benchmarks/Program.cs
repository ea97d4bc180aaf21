using RepLens.Benchmarks;

var benchmarks = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["rdm"] = RdmBenchmark.Run,
    ["permutation"] = PermutationBenchmark.Run,
    ["memory"] = MemoryBenchmark.Run,
    ["memory-child"] = MemoryBenchmark.Child,
    ["python"] = PythonBaselines.Run,
    ["selectivity"] = SelectivityBenchmark.Run,
    ["selectivity-child"] = SelectivityBenchmark.Child,
    ["extraction"] = ExtractionBenchmark.Run,
    ["resize"] = ExtractionBenchmark.RunResizeComparison,
    ["extraction-memory"] = ExtractionBenchmark.RunMemory,
    ["scaleout"] = ScaleOutBenchmark.Run,
    ["saliency"] = SaliencyBenchmark.Run,
    ["semantics"] = SemanticsBenchmark.Run,
    ["semantics-fixture"] = SemanticsBenchmark.WriteFixture,
    ["receptive-fields"] = ReceptiveFieldBenchmark.Run,
    ["distractors"] = DistractorBenchmark.Run,
    ["brain-memory"] = BrainMemoryBenchmark.Run,
};
if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project tools/Benchmarks -- <{string.Join("|", benchmarks.Keys.Where(k => !k.EndsWith("-child", StringComparison.Ordinal)))}> [options]");
    return 2;
}
return run(args[1..]);
