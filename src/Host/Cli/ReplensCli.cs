using System.CommandLine;
using RepLens.Host.Cli.Commands;

namespace RepLens.Host.Cli;

/// <summary>The <c>replens</c> command line.</summary>
internal static class ReplensCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "RepLens: what a network represents, layer by layer, and how that compares with the brain. " +
            "Extracts layer activations, builds RDMs, compares them with targets and fMRI, and writes tables, RDMs, figures and a report.");
        root.Options.Add(CommonOptions.Plugins);
        root.Options.Add(CommonOptions.Verbose);
        root.Options.Add(CommonOptions.Quiet);
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(PluginsCommand.Create());
        root.Subcommands.Add(LayersCommand.Create());
        root.Subcommands.Add(ExtractCommand.Create());
        root.Subcommands.Add(RdmCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(NoiseCeilingCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(SelectivityCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(SlurmCommand.Create());
        root.Subcommands.Add(CacheCommand.Create());
        root.Subcommands.Add(SaliencyCommand.Create());
        root.Subcommands.Add(SemanticsCommand.Create());
        root.Subcommands.Add(ReceptiveFieldsCommand.Create());
        return root;
    }

    public static Task<int> RunAsync(string[] args) => Create().Parse(args).InvokeAsync();
}
