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
    public async Task RunAsync_IncidentMonitorTwiceOverOneFile_SameIncidentLinesAndAlertsUnchanged()
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

    private static async Task<(string Alerts, string Incidents)> ReplayAsync(string file, bool incidents)
    {
        var alerts = new StringWriter { NewLine = "\n" };
        var incidentLines = new StringWriter { NewLine = "\n" };
        IDriftMonitor monitor = incidents ? new IncidentMonitor(new DriftMonitor()) : new DriftMonitor();
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
