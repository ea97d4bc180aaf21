using System.CommandLine;

namespace RepLens.Host.Cli;

/// <summary>Options every command takes.</summary>
internal static class CommonOptions
{
    public static readonly Option<string[]> Plugins = new("--plugins")
    {
        Description = "Another folder of plugins (each subfolder one plugin), besides plugins/ next to replens. Repeatable.",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
        HelpName = "DIR",
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Log details (debug level), and stack traces on errors.",
        Recursive = true,
    };

    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "Log warnings and errors only.",
        Recursive = true,
    };
}
