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
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception ex)
        {
            return await ReportAsync(ex, Console.Error).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Turns a failure into one <c>error:</c> line and an exit code: 2 for what the operator can fix in the
    /// command or its configuration, 1 for a runtime failure (a sink still down after its retries, a broken
    /// disk). A stack trace helps nobody who runs the command, and an unhandled exception would end the
    /// process with an abort code that service managers read as a crash rather than a reported failure.
    /// </summary>
    internal static async Task<int> ReportAsync(Exception failure, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(error);
        if (IsUsage(failure))
        {
            await error.WriteLineAsync($"error: {failure.Message}").ConfigureAwait(false);
            return 2;
        }

        var text = new System.Text.StringBuilder("error: ").Append(failure.Message);
        for (var inner = failure.InnerException; inner is not null; inner = inner.InnerException)
        {
            text.Append(" <- ").Append(inner.Message);
        }

        text.Append(" (").Append(failure.GetType().Name).Append(')');
        await error.WriteLineAsync(text.ToString()).ConfigureAwait(false);
        return 1;
    }

    private static bool IsUsage(Exception failure) =>
        failure is ArgumentException or FileNotFoundException or InvalidOperationException or FormatException
            or Core.Detection.Checkpoints.CheckpointException or Microsoft.Extensions.Options.OptionsValidationException;

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
