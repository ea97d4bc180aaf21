using System.CommandLine;
using RepLens.Host.Reports;

namespace RepLens.Host.Cli.Commands;

/// <summary><c>replens report RUN_DIR</c>: rebuild the self-contained HTML report of a run.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("RUN_DIR") { Description = "The output folder of `replens run`." };
        var cmd = new Command("report", "Rebuild report.html (self-contained: figures, tables, statistics, manifest) from a run folder.") { run };
        cmd.SetAction((parse, ct) => CommandRunner.RunCoreAsync(parse, ct, (_, _) =>
        {
            Console.WriteLine(RunReport.Write(parse.GetValue(run)!));
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }
}
