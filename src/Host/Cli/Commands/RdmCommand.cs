using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Abstractions.IO;
using RepLens.Host.Configuration;
using RepLens.Host.Data;
using RepLens.Rsa;
using RepLens.Rsa.Rdms;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens rdm X.npy --metric M --out R.npy</c>: the RDM of an (N × P) matrix, for scripts.</summary>
internal static class RdmCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("X") { Description = "An (N × P) .npy matrix: one row per stimulus (float32, float64 or integer; C or Fortran order)." };
        var metric = new Option<string>("--metric") { Description = "cosine, correlation (1 − Pearson), euclidean or sqeuclidean.", DefaultValueFactory = _ => "cosine" };
        var device = new Option<string>("--device") { Description = "auto (CUDA when available), cpu or cuda.", DefaultValueFactory = _ => "auto" };
        var dtype = new Option<string>("--dtype") { Description = "Compute precision: float32 or float64.", DefaultValueFactory = _ => "float32" };
        var memory = new Option<string>("--memory") { Description = "Memory budget for feature blocks, e.g. 2GB; the input is streamed from disk in blocks that fit.", DefaultValueFactory = _ => "2GB" };
        var output = new Option<string>("--out") { Description = "Where to write the square (N × N) float64 RDM (.npy).", Required = true };
        var cmd = new Command("rdm", "Compute the representational dissimilarity matrix of an (N × P) .npy matrix (rows = stimuli) and write it as a square float64 .npy.")
        {
            input, metric, device, dtype, memory, output,
        };
        cmd.SetAction((parse, ct) => CommandRunner.RunCoreAsync(parse, ct, (sp, _) =>
        {
            var m = EnumNames.Parse<DistanceMetric>(parse.GetValue(metric), "--metric");
            var d = EnumNames.Parse<RsaDevice>(parse.GetValue(device), "--device");
            var p = EnumNames.Parse<RsaPrecision>(parse.GetValue(dtype), "--dtype");
            if (!ByteSize.TryParse(parse.GetValue(memory), out var budget))
                throw new ConfigurationErrorException("--memory", $"'{parse.GetValue(memory)}' is not a size; expected e.g. 2GB or 512MB.");
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("replens.rdm");
            using var x = NpyMatrix.Open(parse.GetValue(input)!);
            var result = RdmCalculator.Compute(x, RdmFile.RowIds(x.Rows), m,
                new RdmOptions { Device = d, Precision = p, MemoryBudgetBytes = budget }, log);
            var rdm = result.Rdm;
            var path = parse.GetValue(output)!;
            Npy.Write(path, rdm.ToSquare(), new long[] { rdm.Count, rdm.Count });
            log.LogInformation("Wrote the {N} × {N} {Metric} RDM of {Rows} × {Columns} to {Path}", rdm.Count, rdm.Count, EnumNames.Name(m), x.Rows, x.Columns, path);
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }
}
