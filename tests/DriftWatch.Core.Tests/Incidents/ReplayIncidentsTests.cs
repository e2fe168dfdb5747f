using System.Text;
using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;
using DriftWatch.Core.Replay;
using DriftWatch.Simulation;

namespace DriftWatch.Core.Tests.Incidents;

public sealed class ReplayIncidentsTests
{
    [Fact]
    public async Task RunAsync_IncidentDetectorTwiceOverOneFile_SameIncidentLinesAndAlertsUnchanged()
    {
        string file = Recording();

        var (alerts, incidents) = await ReplayAsync(file, incidents: true);
        var (again, incidentsAgain) = await ReplayAsync(file, incidents: true);
        var (plain, _) = await ReplayAsync(file, incidents: false);

        Assert.NotEmpty(incidents);
        Assert.Equal(incidents, incidentsAgain);
        Assert.Equal(alerts, again);
        Assert.Equal(plain, alerts);
        var lines = incidents.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.Equal(Incident.SchemaId, JsonDocument.Parse(line).RootElement.GetProperty("schema").GetString()));
        var last = lines.Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("agent_id").GetString() == "support-router").Last();
        Assert.Equal("urgency=high", last.GetProperty("root_segment").GetString());
    }

    [Fact]
    public void Observe_IncidentDetectorOnTheMonitor_SameIncidentsAsATrackerFollowingItsSteps()
    {
        var events = Events(Recording());
        var plain = new DriftMonitor();
        var tracker = new IncidentTracker();
        var withDetector = new DriftMonitor();
        IncidentDetector.AddTo(withDetector);
        var fromTracker = new List<string>();
        var fromDetector = new List<string>();

        foreach (var decision in events)
        {
            tracker.Observe(decision);
            fromTracker.AddRange(tracker.Observe(plain.Observe(decision)).Select(IncidentJson.Format));
            fromDetector.AddRange(withDetector.Observe(decision).Incidents.Select(IncidentJson.Format));
        }

        Assert.True(fromTracker.Count >= 2, $"{fromTracker.Count} incident updates");
        Assert.Equal(fromTracker, fromDetector);
    }

    [Fact]
    public void ReplayState_SplitInsideAnOpenIncident_RestoredMonitorKeepsAddingToTheSameIncident()
    {
        var events = Events(Recording());
        var whole = new DriftMonitor();
        IncidentDetector.AddTo(whole);
        var expected = events.SelectMany(e => whole.Observe(e).Incidents).Select(IncidentJson.Format).ToList();

        // Split right after the event that opened the first incident, so later alerts must join it.
        var first = new DriftMonitor();
        IncidentDetector.AddTo(first);
        var before = new List<string>();
        int split = 0;
        while (before.Count == 0)
        {
            before.AddRange(first.Observe(events[split++]).Incidents.Select(IncidentJson.Format));
        }

        var state = new MemoryStream();
        ReplayState.Write(first, state);
        state.Position = 0;
        var second = new DriftMonitor();
        var restoredDetector = IncidentDetector.AddTo(second);
        ReplayState.Read(second, state);
        var after = events.Skip(split).SelectMany(e => second.Observe(e).Incidents).Select(IncidentJson.Format).ToList();

        Assert.Equal(expected, [.. before, .. after]);
        string firstId = JsonDocument.Parse(before[0]).RootElement.GetProperty("id").GetString()!;
        Assert.Contains(after, line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString() == firstId);
        var opened = JsonDocument.Parse(before[0]).RootElement;
        string agent = opened.GetProperty("agent_id").GetString()!;
        string environment = opened.GetProperty("environment").GetString()!;
        string feature = opened.GetProperty("features")[0].GetProperty("feature").GetString()!;
        Assert.Equal(firstId, restoredDetector.Directory.IncidentOf(agent, environment, null, feature));
    }

    private static List<DecisionEvent> Events(string file) =>
        file.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => AgentEventParser.Parse(Encoding.UTF8.GetBytes(line)))
            .Where(parsed => parsed.Kind == AgentEventKind.Decision)
            .Select(parsed => parsed.Decision!)
            .ToList();

    private static async Task<(string Alerts, string Incidents)> ReplayAsync(string file, bool incidents)
    {
        var alerts = new StringWriter { NewLine = "\n" };
        var incidentLines = new StringWriter { NewLine = "\n" };
        var monitor = new DriftMonitor();
        if (incidents)
        {
            IncidentDetector.AddTo(monitor);
        }

        await new ReplayRunner(monitor) { IncidentsOut = incidentLines }.RunAsync(new StringReader(file), alerts);
        return (alerts.ToString(), incidentLines.ToString());
    }

    private static string Recording()
    {
        var simulator = new FleetSimulator(new SimulationOptions { Seed = 5, Agents = 2, Events = 2 * 8000, Scenarios = { new DriftScenario(DriftKind.Misrouting) } });
        var text = new StringBuilder();
        foreach (var record in simulator.Generate())
        {
            text.Append(Encoding.UTF8.GetString(record.Decision is { } d ? AgentEventWriter.ToUtf8Bytes(d) : AgentEventWriter.ToUtf8Bytes(record.State!))).Append('\n');
        }

        return text.ToString();
    }
}
