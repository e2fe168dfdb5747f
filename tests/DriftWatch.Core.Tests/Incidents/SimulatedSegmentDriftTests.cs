using DriftWatch.Core.Detection;
using DriftWatch.Core.Incidents;
using DriftWatch.Simulation;
using Xunit.Abstractions;

namespace DriftWatch.Core.Tests.Incidents;

/// <summary>Misrouting confined to one input segment, replayed through the monitor and the incident tracker.</summary>
public sealed class SimulatedSegmentDriftTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("urgency", "high")]
    [InlineData("category", "technical")]
    [InlineData("channel", "chat")]
    public void Observe_SegmentMisrouted_OneIncidentWhoseRootIsTheDriftedSegment(string key, string value)
    {
        var scenario = new DriftScenario(DriftKind.Misrouting) { Onset = 0.5, Segment = new(key, value) };
        var simulator = new FleetSimulator(new SimulationOptions { Seed = 5, Agents = 2, Events = 2 * 8000, Scenarios = { scenario } });
        var truth = simulator.Manifest.Scenarios[0];
        var monitor = new DriftMonitor();
        var tracker = new IncidentTracker();
        var last = new Dictionary<string, Incident>(StringComparer.Ordinal);
        foreach (var record in simulator.Generate())
        {
            if (record.State is { } state)
            {
                monitor.Observe(state);
                continue;
            }

            tracker.Observe(record.Decision!);
            var step = monitor.Observe(record.Decision!);
            foreach (var alert in step.Alerts)
            {
                output.WriteLine($"{alert.DetectedAt:mm:ss.fff} {alert.Key.AgentId} {alert.Feature}: {string.Join(", ", alert.TopShifts.Select(s => $"{s.Value} {s.Reference:F3}->{s.Current:F3}"))}");
            }

            foreach (var incident in tracker.Observe(step))
            {
                last[incident.Id] = incident;
            }
        }

        foreach (var incident in last.Values)
        {
            output.WriteLine($"{incident.Id} {incident.Key}: {string.Join(", ", incident.Features.Select(f => f.Feature))}; {string.Join("; ", incident.Roots.Select(r => r.Sentence))}");
        }

        var drifted = Assert.Single(last.Values, i => i.Key.AgentId == truth.AgentId);
        Assert.NotNull(drifted.Root);
        Assert.Equal($"{key}={value}", drifted.Root.Segment);
        Assert.All(drifted.Root.Explains, e => Assert.NotEqual(key, e.Key));
    }
}
