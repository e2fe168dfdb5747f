using System.CommandLine;
using System.Runtime.InteropServices;
using DriftWatch.Cli.Commands;

namespace DriftWatch.Cli;

internal static class CliApplication
{
    internal static RootCommand Build()
    {
        var root = new RootCommand("DriftWatch: notice when an AI agent's behaviour drifts, say what changed, and roll it back.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(DevCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(SnapshotCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(SyncCommand.Create());
        return root;
    }

    internal static async Task<int> RunAsync(string[] args)
    {
        // Ctrl-C and SIGTERM (what service managers and container runtimes send) both mean: drain, commit
        // and exit 0. A second signal is left to the default handler, which ends the process at once.
        using var stopping = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stopping));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stopping));
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        try
        {
            return await Build().Parse(args).InvokeAsync(configuration, stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidOperationException or FormatException or Core.Detection.Checkpoints.CheckpointException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 130;
        }
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stopping)
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        context.Cancel = true;
        stopping.Cancel();
    }
}
