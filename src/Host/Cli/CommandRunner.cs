using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RepLens.Abstractions;
using RepLens.Host.Configuration;
using RepLens.Host.Plugins;

namespace RepLens.Host.Cli;

/// <summary>
/// Runs a command inside a host and turns failures into one clear message on standard error and an
/// exit code: <see cref="ExitCodes.BadInput"/> for wrong input (config, files, options),
/// <see cref="ExitCodes.Failure"/> for anything unexpected.
/// </summary>
internal static class CommandRunner
{
    public static Task<int> RunAsync(ParseResult parse, CancellationToken ct, Func<IServiceProvider, CancellationToken, Task<int>> body) =>
        RunAsync(parse, ct, Array.Empty<string>(), body);

    /// <summary>For commands of the RSA core alone (<c>rdm</c>, <c>compare</c>, …): no plugins are loaded.</summary>
    public static Task<int> RunCoreAsync(ParseResult parse, CancellationToken ct, Func<IServiceProvider, CancellationToken, Task<int>> body) =>
        RunAsync(parse, ct, Array.Empty<string>(), body, loadPlugins: false);

    public static async Task<int> RunAsync(ParseResult parse, CancellationToken ct, IEnumerable<string> morePluginFolders,
        Func<IServiceProvider, CancellationToken, Task<int>> body, bool loadPlugins = true)
    {
        bool verbose = parse.GetValue(CommonOptions.Verbose);
        var level = verbose ? LogLevel.Debug : parse.GetValue(CommonOptions.Quiet) ? LogLevel.Warning : LogLevel.Information;
        var folders = (parse.GetValue(CommonOptions.Plugins) ?? Array.Empty<string>()).Concat(morePluginFolders);
        try
        {
            using var host = ReplensHostFactory.Build(folders, level, loadPlugins);
            return await body(host.Services, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return Report(e, verbose);
        }
    }

    /// <summary>Prints an exception as a user-facing error and returns the exit code.</summary>
    public static int Report(Exception e, bool verbose)
    {
        var (code, message) = e switch
        {
            OperationCanceledException => (ExitCodes.Cancelled, "cancelled; finished work is on disk and a rerun resumes from it."),
            InvalidConfigurationException or ConfigurationErrorException or DuplicateExtensionIdException
                or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or ArgumentException
                or UserInputException or Abstractions.IO.NpyFormatException => (ExitCodes.BadInput, e.Message),
            AggregateException { InnerExceptions.Count: 1 } a => (ExitCodes.Failure, a.InnerException!.Message),
            _ => (ExitCodes.Failure, $"{e.GetType().Name}: {e.Message}"),
        };
        Console.Error.WriteLine($"error: {message}");
        if (verbose) Console.Error.WriteLine(e);
        return code;
    }
}
