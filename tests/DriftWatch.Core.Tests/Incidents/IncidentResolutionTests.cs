using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;
using DriftWatch.Core.Replay;
using DriftWatch.Simulation;

namespace DriftWatch.Core.Tests.Incidents;

public sealed class IncidentResolutionTests
{
    private const int SwitchAt = 5_500;

    private static readonly Lazy<List<DecisionEvent>> DriftThenRecovery = new(Build);

    [Fact]
    public void Observe_DriftEndsAfterItsAlerts_IncidentResolvedOnceAfterTheQuietWindows()
    {
        var events = DriftThenRecovery.Value;
        var monitor = new DriftMonitor();
        IncidentDetector.AddTo(monitor);

        var incidents = events.Select((e, i) => (Index: i, Step: monitor.Observe(e)))
            .SelectMany(s => s.Step.Incidents.Select(incident => (s.Index, Incident: incident)))
            .ToList();

        var resolved = incidents.Where(i => i.Incident.Status == IncidentStatus.Resolved).ToList();
        Assert.NotEmpty(resolved);
        var first = resolved[0];
        Assert.True(first.Index >= SwitchAt + 8 * 250 - 250, $"resolved at event {first.Index}, before the recovered stream could be quiet for 8 windows");
        Assert.Single(resolved, r => r.Incident.Id == first.Incident.Id);
        Assert.DoesNotContain(incidents, i => i.Incident.Id == first.Incident.Id && i.Index > first.Index);
        var opened = incidents.First(i => i.Incident.Id == first.Incident.Id);
        Assert.True(opened.Index < SwitchAt);
        Assert.Equal(opened.Incident.StartedAt, first.Incident.StartedAt);
        Assert.Equal("resolved", JsonDocument.Parse(IncidentJson.Format(first.Incident)).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void Observe_ResolveWindowsZero_NoIncidentResolves()
    {
        var monitor = new DriftMonitor();
        IncidentDetector.AddTo(monitor, new IncidentOptions { ResolveWindows = 0 });

        var incidents = DriftThenRecovery.Value.SelectMany(e => monitor.Observe(e).Incidents).ToList();

        Assert.NotEmpty(incidents);
        Assert.DoesNotContain(incidents, i => i.Status == IncidentStatus.Resolved);
    }

    [Fact]
    public void Observe_DriftPersists_IncidentNotResolved()
    {
        var monitor = new DriftMonitor();
        IncidentDetector.AddTo(monitor);
        var drifted = Simulate(withDrift: true, events: 12_000);

        var incidents = drifted.SelectMany(e => monitor.Observe(e).Incidents).ToList();

        Assert.NotEmpty(incidents);
        Assert.DoesNotContain(incidents, i => i.Status == IncidentStatus.Resolved && i.Id == incidents[0].Id);
    }

    [Theory]
    [InlineData(SwitchAt + 700)]
    [InlineData(SwitchAt + 1_600)]
    public void ReplayState_SplitWhileAnIncidentIsQuiet_SameResolvedMessageAsUninterrupted(int split)
    {
        var events = DriftThenRecovery.Value;
        var whole = new DriftMonitor();
        IncidentDetector.AddTo(whole);
        var expected = events.SelectMany(e => whole.Observe(e).Incidents).Select(IncidentJson.Format).ToList();

        var first = new DriftMonitor();
        IncidentDetector.AddTo(first);
        var before = events.Take(split).SelectMany(e => first.Observe(e).Incidents).Select(IncidentJson.Format).ToList();
        var state = new MemoryStream();
        ReplayState.Write(first, state);
        state.Position = 0;
        var second = new DriftMonitor();
        IncidentDetector.AddTo(second);
        ReplayState.Read(second, state);
        var after = events.Skip(split).SelectMany(e => second.Observe(e).Incidents).Select(IncidentJson.Format).ToList();

        Assert.Contains(expected, line => line.Contains("\"status\":\"resolved\"", StringComparison.Ordinal));
        Assert.Equal(expected, [.. before, .. after]);
    }

    // Misrouting from the middle of the first part, then the same agent's undrifted stream: the drift ends.
    private static List<DecisionEvent> Build()
    {
        var drifted = Simulate(withDrift: true, events: 8_000);
        var clean = Simulate(withDrift: false, events: 16_000);
        var end = drifted[SwitchAt - 1].Timestamp;
        return [.. drifted.Take(SwitchAt), .. clean.Skip(SwitchAt).Where(e => e.Timestamp > end)];
    }

    private static List<DecisionEvent> Simulate(bool withDrift, int events)
    {
        var options = new SimulationOptions { Seed = 5, Agents = 1, Events = events };
        if (withDrift)
        {
            options.Scenarios.Add(new DriftScenario(DriftKind.Misrouting) { Onset = 3_000.0 / events });
        }

        return new FleetSimulator(options).Generate().Where(r => r.Decision is not null)
            .Select(r => AgentEventParser.Parse(AgentEventWriter.ToUtf8Bytes(r.Decision!)).Decision!)
            .ToList();
    }
}
