using System.Text;
using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Exemplars;
using DriftWatch.Core.Incidents;
using DriftWatch.Core.Replay;
using DriftWatch.Simulation;

namespace DriftWatch.Core.Tests.Exemplars;

public sealed class ExemplarDetectorTests
{
    private static readonly Lazy<List<DecisionEvent>> Recording = new(Record);

    [Fact]
    public void Observe_MisroutingDrift_IncidentCarriesReferenceAndDriftedDecisionsOfTheRootSegment()
    {
        var events = Recording.Value;
        var byId = events.ToDictionary(e => e.EventId, StringComparer.Ordinal);
        var monitor = Monitor();
        var incidents = events.SelectMany(e => monitor.Observe(e).Incidents).ToList();

        var last = incidents.Last(i => i.Root?.Segment == "urgency=high");
        var exemplars = Assert.IsType<ExemplarSet>(last.Exemplars);
        Assert.Equal("urgency=high", exemplars.Segment);
        Assert.Equal(3, exemplars.Reference.Count);
        Assert.Equal(3, exemplars.Drifted.Count);
        Assert.All(exemplars.Reference.Concat(exemplars.Drifted), e => Assert.Equal("high", byId[e.EventId].InputFeatures["urgency"]));
        Assert.All(exemplars.Drifted, e => Assert.True(e.Timestamp >= last.StartedAt, $"{e.Timestamp:O} before {last.StartedAt:O}"));
        Assert.All(exemplars.Reference, e => Assert.True(e.Timestamp < last.StartedAt));
        Assert.All(exemplars.Drifted, e => Assert.Equal(byId[e.EventId].Outcome, e.Outcome));
    }

    [Fact]
    public void Observe_AlertsOfAnIncident_CarryTheSameSegmentAsTheIncident()
    {
        var monitor = Monitor();
        var steps = Recording.Value.Select(monitor.Observe).Where(s => s.Incidents.Count > 0).ToList();

        var step = steps.First(s => s.Incidents.Any(i => i.Root is not null));
        var incident = step.Incidents.First(i => i.Root is not null);
        var alert = Assert.Single(step.Alerts, a => incident.Features.Any(f => f.AlertKey == IncidentTracker.AlertKeyOf(a)));
        Assert.Equal(incident.Exemplars!.Segment, alert.Exemplars!.Segment);
        Assert.Equal(incident.Exemplars.Drifted, alert.Exemplars.Drifted);
        Assert.Equal(incident.Exemplars.Reference, alert.Exemplars.Reference);
        using var json = JsonDocument.Parse(AlertJson.Format(alert));
        var drifted = json.RootElement.GetProperty("exemplars").GetProperty("drifted");
        Assert.Equal(alert.Exemplars!.Drifted.Count, drifted.GetArrayLength());
        Assert.Equal(alert.Exemplars.Drifted[0].EventId, drifted[0].GetProperty("event_id").GetString());
    }

    [Theory]
    [InlineData(1500)]
    [InlineData(2600)]
    [InlineData(9100)]
    public void ReplayState_SplitMidStream_SameAlertAndIncidentLinesWithExemplarsAsUninterrupted(int split)
    {
        var events = Recording.Value;
        var whole = Monitor();
        var expected = events.SelectMany(e => Lines(whole.Observe(e))).ToList();

        var first = Monitor();
        var before = events.Take(split).SelectMany(e => Lines(first.Observe(e))).ToList();
        var state = new MemoryStream();
        ReplayState.Write(first, state);
        state.Position = 0;
        var second = Monitor();
        ReplayState.Read(second, state);
        var after = events.Skip(split).SelectMany(e => Lines(second.Observe(e))).ToList();

        Assert.Contains(expected, line => line.Contains("\"exemplars\"", StringComparison.Ordinal));
        Assert.Equal(expected, [.. before, .. after]);
    }

    [Fact]
    public void Observe_ExemplarsAdded_AlertsOtherwiseUnchanged()
    {
        var plain = new DriftMonitor();
        IncidentDetector.AddTo(plain);
        var withExemplars = Monitor();

        var expected = Recording.Value.SelectMany(e => plain.Observe(e).Alerts).Select(AlertJson.Format).ToList();
        var actual = Recording.Value.SelectMany(e => withExemplars.Observe(e).Alerts).ToList();

        Assert.Equal(expected, actual.Select(a => AlertJson.Format(a with { Exemplars = null })));
        Assert.All(actual, a => Assert.NotNull(a.Exemplars));
    }

    [Fact]
    public void Observe_IncludeTextFalse_ExemplarsHaveNoText()
    {
        var monitor = new DriftMonitor();
        IncidentDetector.AddTo(monitor);
        ExemplarDetector.AddTo(monitor, new ExemplarOptions { IncludeText = false });

        var alerts = Recording.Value.SelectMany(e => monitor.Observe(e).Alerts).ToList();

        Assert.NotEmpty(alerts);
        Assert.All(alerts.SelectMany(a => a.Exemplars!.Reference.Concat(a.Exemplars.Drifted)), e => Assert.True(e.InputText is null && e.OutputText is null));
        Assert.Contains(Recording.Value, e => e.OutputText is not null);
    }

    private static DriftMonitor Monitor()
    {
        var monitor = new DriftMonitor();
        IncidentDetector.AddTo(monitor);
        ExemplarDetector.AddTo(monitor);
        return monitor;
    }

    private static IEnumerable<string> Lines(DetectionStep step) =>
        step.Alerts.Select(AlertJson.Format).Concat(step.Incidents.Select(IncidentJson.Format));

    private static List<DecisionEvent> Record()
    {
        var simulator = new FleetSimulator(new SimulationOptions { Seed = 5, Agents = 2, Events = 2 * 8000, Scenarios = { new DriftScenario(DriftKind.Misrouting) } });
        return simulator.Generate().Where(r => r.Decision is not null)
            .Select(r => AgentEventParser.Parse(AgentEventWriter.ToUtf8Bytes(r.Decision!)).Decision!)
            .ToList();
    }
}
