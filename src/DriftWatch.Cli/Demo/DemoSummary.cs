using DriftWatch.Cli.Simulation;
using DriftWatch.Service.Pipeline;
using DriftWatch.Simulation;
using Spectre.Console;

namespace DriftWatch.Cli.Demo;

/// <summary>The demo's closing report: what was injected, what was found, how fast, and what was lost.</summary>
internal static class DemoSummary
{
    internal static int Print(
        IAnsiConsole console,
        SimulationManifest manifest,
        PipelineStatistics statistics,
        SimulationRun simulation,
        int alertsOnTopic,
        TimeSpan elapsed,
        bool caughtUp,
        double eventsPerSecondPerAgent,
        DemoRollbackLoop rollbacks)
    {
        console.WriteLine();
        console.MarkupLine("[bold]Summary[/]");
        var alerts = statistics.Alerts;
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("agent", "injected drift", "first alert after onset", "delay", "verdict");
        foreach (var truth in manifest.Scenarios)
        {
            var first = alerts.Where(a => a.Key.AgentId == truth.AgentId && a.DetectedAt >= truth.OnsetTimestamp).MinBy(a => a.DetectedAt);
            var named = alerts.FirstOrDefault(a => a.Key.AgentId == truth.AgentId && a.DetectedAt >= truth.OnsetTimestamp && a.Feature == truth.ExpectedFeature);
            var delay = first is null ? "-" : $"~{(first.DetectedAt - truth.OnsetTimestamp).TotalSeconds * eventsPerSecondPerAgent:N0} events";
            var verdict = first is null ? "[red]missed[/]" : named is not null ? "[green]detected[/]" : "[yellow]detected, other feature first[/]";
            table.AddRow(
                Markup.Escape(truth.AgentId),
                Markup.Escape($"{DriftScenario.KindName(truth.Kind)} ({truth.Mode.ToString().ToLowerInvariant()})"),
                first is null ? "-" : Markup.Escape(first.Feature),
                delay,
                verdict);
        }

        console.Write(table);
        var quietAgents = manifest.AgentIds.Where(a => manifest.Scenarios.All(s => s.AgentId != a)).ToList();
        var falseAlarms = alerts.Count(a => quietAgents.Contains(a.Key.AgentId));
        var preOnset = alerts.Count(a => manifest.Scenarios.Any(s => s.AgentId == a.Key.AgentId) && manifest.Scenarios.Where(s => s.AgentId == a.Key.AgentId).All(s => a.DetectedAt < s.OnsetTimestamp));
        foreach (var alert in alerts.Take(10))
        {
            console.WriteLine($"  alert {DemoView.Describe(alert)}");
        }

        foreach (var rollback in rollbacks.Applied)
        {
            console.WriteLine($"  rollback {rollback.AgentId}: {rollback.Feature} -> reverted [{string.Join(", ", rollback.RevertKeys)}] to state {rollback.StateVersion ?? "?"} after {rollback.AfterDecisions:N0} decisions");
        }

        console.MarkupLine($"rollbacks applied {rollbacks.Applied.Count}; audit trail {Markup.Escape(rollbacks.AuditFilePath)} (driftwatch audit --file ...)");
        console.MarkupLine($"messages produced {simulation.Written:N0} ({simulation.Invalid:N0} malformed); processed {statistics.Events:N0} decisions + {statistics.StateEvents:N0} state changes; dead-lettered {statistics.DeadLettered:N0}; committed {statistics.Committed:N0}");
        console.MarkupLine($"alerts {alerts.Count} ({alertsOnTopic} read back from the alerts topic); alerts on quiet agents {falseAlarms}; alerts before onset {preOnset}; {elapsed.TotalSeconds:F0} s");
        if (!caughtUp)
        {
            console.MarkupLine("[red]The pipeline did not catch up with the producer in time.[/]");
            return 1;
        }

        var lost = simulation.Written - statistics.Committed;
        if (lost != 0)
        {
            console.MarkupLine($"[red]{lost} message(s) unaccounted for.[/]");
            return 1;
        }

        return 0;
    }
}
