using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DriftWatch.Cli.Dev;

/// <summary>
/// The compact table <c>driftwatch dev</c> refreshes while it runs: per agent, decisions seen, their rate since the
/// last refresh, alerts and the latest alert. Shown only on an interactive terminal (never in CI or a pipe,
/// where a redrawn table would be noise in a log) and not with <c>--no-live</c>.
/// </summary>
internal sealed class DevLiveView(DevActivity activity, TimeProvider time)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);
    private Dictionary<string, long> _previous = new(StringComparer.Ordinal);
    private long _previousAt = time.GetTimestamp();

    public static bool IsEnabled(bool noLive, bool interactive, bool outputRedirected) => !noLive && interactive && !outputRedirected;

    /// <summary>Refreshes the view on <paramref name="console"/> until <paramref name="until"/> completes.</summary>
    public Task ShowAsync(IAnsiConsole console, Task until) =>
        console.Live(Render()).AutoClear(false).StartAsync(async context =>
        {
            while (!until.IsCompleted)
            {
                await Task.WhenAny(until, Task.Delay(Refresh, time, CancellationToken.None)).ConfigureAwait(false);
                context.UpdateTarget(Render());
            }
        });

    /// <summary>The table as of now; rates are over the time since the previous call.</summary>
    public IRenderable Render()
    {
        IReadOnlyList<AgentRow> rows = activity.Snapshot();
        long now = time.GetTimestamp();
        double seconds = time.GetElapsedTime(_previousAt, now).TotalSeconds;
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("agent");
        table.AddColumn(new TableColumn("events").RightAligned());
        table.AddColumn(new TableColumn("events/s").RightAligned());
        table.AddColumn(new TableColumn("alerts").RightAligned());
        table.AddColumn("last alert");
        if (rows.Count == 0)
        {
            table.AddRow("[grey]waiting for decisions...[/]", "0", "-", "0", "-");
        }

        var current = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (AgentRow row in rows)
        {
            current[row.AgentId] = row.Events;
            double rate = seconds > 0 ? (row.Events - _previous.GetValueOrDefault(row.AgentId)) / seconds : 0;
            table.AddRow(
                Markup.Escape(row.AgentId),
                row.Events.ToString("N0", CultureInfo.InvariantCulture),
                rate.ToString("0.0", CultureInfo.InvariantCulture),
                row.Alerts == 0 ? "[green]0[/]" : $"[red]{row.Alerts}[/]",
                row.LastAlert is { } last
                    ? Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{last.Severity} {last.Feature} at {last.DetectedAt:HH:mm:ss}"))
                    : "-");
        }

        _previous = current;
        _previousAt = now;
        return table;
    }
}
