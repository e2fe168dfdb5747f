using System.CommandLine;
using DriftWatch.Cli.Commands;

namespace DriftWatch.Cli;

internal static class CliApplication
{
    internal static RootCommand Build()
    {
        var root = new RootCommand("DriftWatch: notice when an AI agent's behaviour drifts, say what changed, and roll it back.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        return root;
    }

    internal static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await Build().Parse(args).InvokeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidOperationException or FormatException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }
}
