using Spectre.Console;

namespace DriftWatch.Cli.Hosting;

/// <summary>Progress for long work: a live bar on a terminal, a line every few seconds otherwise.</summary>
internal static class Progress
{
    internal static async Task RunAsync(
        string description,
        Func<(long Done, long Total)> read,
        bool quiet,
        Func<CancellationToken, Task> work,
        CancellationToken cancellationToken)
    {
        if (quiet)
        {
            await work(cancellationToken).ConfigureAwait(false);
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(description, maxValue: Math.Max(1, read().Total));
                    var running = work(cancellationToken);
                    while (!running.IsCompleted)
                    {
                        task.Value = read().Done;
                        await Task.WhenAny(running, Task.Delay(100, CancellationToken.None)).ConfigureAwait(false);
                    }

                    task.Value = task.MaxValue;
                    await running.ConfigureAwait(false);
                }).ConfigureAwait(false);
            return;
        }

        var job = work(cancellationToken);
        while (!job.IsCompleted)
        {
            await Task.WhenAny(job, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
            var (done, total) = read();
            await Console.Error.WriteLineAsync($"{description}: {done:N0}/{total:N0}").ConfigureAwait(false);
        }

        await job.ConfigureAwait(false);
    }
}
