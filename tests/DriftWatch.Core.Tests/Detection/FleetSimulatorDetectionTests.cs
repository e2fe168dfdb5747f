using DriftWatch.Core.Detection;
using DriftWatch.Simulation;
using Xunit.Abstractions;

namespace DriftWatch.Core.Tests.Detection;

/// <summary>Detection measured against the fleet simulator's ground truth.</summary>
public sealed class FleetSimulatorDetectionTests(ITestOutputHelper output)
{
    private const int EventsPerAgent = 8000;

    [Fact]
    public void Observe_QuietFleet_StaysWithinFalseAlarmTarget()
    {
        var (alerts, quietEvents) = RunQuiet(new SimulationOptions { Seed = 7, Agents = 4, Events = 4 * 12_000 });

        foreach (var alert in alerts)
        {
            output.WriteLine(alert.Summary);
        }

        // Target: at most 0.1 false-alarm episodes per 10k quiet events.
        Assert.True(alerts.Count <= Math.Max(1, quietEvents / 100_000.0), $"{alerts.Count} alerts over {quietEvents} quiet events");
    }

    [Theory]
    [InlineData(DriftKind.Misrouting, DriftMode.Sudden)]
    [InlineData(DriftKind.SentimentCollapse, DriftMode.Sudden)]
    [InlineData(DriftKind.NewReplyVocabulary, DriftMode.Sudden)]
    [InlineData(DriftKind.LatencyCreep, DriftMode.Sudden)]
    [InlineData(DriftKind.ConfidenceDrop, DriftMode.Sudden)]
    [InlineData(DriftKind.Misrouting, DriftMode.Gradual)]
    [InlineData(DriftKind.SentimentCollapse, DriftMode.Gradual)]
    [InlineData(DriftKind.NewReplyVocabulary, DriftMode.Gradual)]
    [InlineData(DriftKind.LatencyCreep, DriftMode.Gradual)]
    [InlineData(DriftKind.ConfidenceDrop, DriftMode.Gradual)]
    public void Observe_InjectedDrift_FirstAlertOfAgentNamesExpectedFeature(DriftKind kind, DriftMode mode)
    {
        var scenario = new DriftScenario(kind) { Mode = mode, Onset = 0.5 };
        var simulator = new FleetSimulator(new SimulationOptions { Seed = 11, Agents = 2, Events = 2 * EventsPerAgent, Scenarios = { scenario } });
        var truth = simulator.Manifest.Scenarios[0];
        var monitor = new DriftMonitor();
        int agentIndex = 0;
        (int Index, DriftAlert Alert)? first = null;
        int? expectedAt = null;
        foreach (var record in simulator.Generate())
        {
            if (record.State is { } state)
            {
                monitor.Observe(state);
                continue;
            }

            var decision = record.Decision!;
            var step = monitor.Observe(decision);
            if (decision.AgentId == truth.AgentId)
            {
                if (first is null && step.Alerts.FirstOrDefault(a => a.Key.AgentId == truth.AgentId) is { } alert)
                {
                    first = (agentIndex, alert);
                }

                if (expectedAt is null && step.Alerts.Any(a => a.Key.AgentId == truth.AgentId && a.Feature == truth.ExpectedFeature))
                {
                    expectedAt = agentIndex;
                }

                agentIndex++;
            }
        }

        Assert.NotNull(first);
        output.WriteLine($"{truth.Spec}: delay {first.Value.Index - truth.OnsetAgentIndex} events; {first.Value.Alert.Summary}");
        // New reply words also lengthen replies; with interim looks the reply-length metric, a direct
        // consequence of the drift, can alert a few tens of events before the text sketch, which is tested
        // at looks against its conservative plain threshold. The text must still alert, and soon.
        if (kind == DriftKind.NewReplyVocabulary && mode == DriftMode.Sudden && first.Value.Alert.Feature == "metrics.tokens_out")
        {
            Assert.NotNull(expectedAt);
            Assert.InRange(expectedAt.Value - truth.OnsetAgentIndex, 0, 500);
        }
        else
        {
            Assert.Equal(truth.ExpectedFeature, first.Value.Alert.Feature);
        }

        int delay = first.Value.Index - truth.OnsetAgentIndex;
        Assert.True(delay >= 0, $"alerted {-delay} events before onset");
        if (mode == DriftMode.Sudden)
        {
            Assert.True(delay <= 500, $"delay {delay} events");
        }
    }

    private static (List<DriftAlert> Alerts, long QuietEvents) RunQuiet(SimulationOptions options)
    {
        var monitor = new DriftMonitor();
        var alerts = new List<DriftAlert>();
        long events = 0;
        foreach (var record in new FleetSimulator(options).Generate())
        {
            if (record.State is { } state)
            {
                monitor.Observe(state);
                continue;
            }

            events++;
            alerts.AddRange(monitor.Observe(record.Decision!).Alerts);
        }

        return (alerts, events - (options.Agents * monitor.Options.ReferenceSize));
    }
}
