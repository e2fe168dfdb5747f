using DriftWatch.Core.Detection;
using DriftWatch.Service.Pipeline;
using DriftWatch.Simulation;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DriftWatch.Cli.Demo;

/// <summary>The demo's terminal view: per-agent traffic and drift status, refreshed live.</summary>
internal sealed class DemoView(PipelineStatistics statistics, SimulationManifest manifest, Func<long> produced, Func<long> lag, Func<IReadOnlyList<AppliedRollback>> rollbacks)
{
    internal IRenderable Render(TimeSpan elapsed)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.Title($"[bold]DriftWatch demo[/]  {elapsed:mm\\:ss}");
        table.AddColumn("agent");
        table.AddColumn(new TableColumn("events").RightAligned());
        table.AddColumn("injected drift");
        table.AddColumn("status");
        table.AddColumn("rollback");
        var applied = rollbacks();
        var alerts = statistics.Alerts;
        var counts = statistics.EventsByAgent;
        foreach (var agent in manifest.AgentIds)
        {
            var truth = manifest.Scenarios.Where(s => s.AgentId == agent).Select(s => s.Spec).ToList();
            var mine = alerts.Where(a => a.Key.AgentId == agent).ToList();
            var status = mine.Count == 0
                ? "[green]ok[/]"
                : $"[red]DRIFT[/] {Markup.Escape(mine[0].Feature)} ({mine.Count} alert{(mine.Count == 1 ? "" : "s")})";
            table.AddRow(
                Markup.Escape(agent),
                counts.GetValueOrDefault(agent).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                truth.Count == 0 ? "[grey]none[/]" : Markup.Escape(string.Join(", ", truth)),
                status,
                applied.FirstOrDefault(r => r.AgentId == agent) is { } done
                    ? $"[green]rolled back[/] {Markup.Escape(string.Join(", ", done.RevertKeys))}"
                    : "-");
        }

        var totals = new Markup(
            $"produced [bold]{produced():N0}[/]  processed [bold]{statistics.Events + statistics.StateEvents:N0}[/]  " +
            $"dead-lettered [yellow]{statistics.DeadLettered:N0}[/]  committed {statistics.Committed:N0}  lag {lag():N0}");
        var recent = new Rows(alerts.TakeLast(4).Select(a => (IRenderable)new Markup($"[red]alert[/] {Markup.Escape(Describe(a))}")));
        return new Rows(table, totals, recent);
    }

    internal static string Describe(DriftAlert alert) =>
        $"{alert.Key.AgentId} {alert.Feature} [{alert.Detector} {alert.Score:G4} > {alert.Threshold:G4}] {alert.Summary}";
}
