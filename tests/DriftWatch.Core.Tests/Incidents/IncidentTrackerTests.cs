using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;
using DriftWatch.Core.Results;

namespace DriftWatch.Core.Tests.Incidents;

public sealed class IncidentTrackerTests
{
    private static readonly BehaviourKey Router = new("router-a", "production", "route");
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Observe_AlertsOfOneBehaviourWithinGroupWindows_OneIncidentOpenedThenUpdated()
    {
        var tracker = new IncidentTracker();

        var opened = Assert.Single(tracker.Observe(Step([Alert("decision.outcome|input.features.urgency=high", 10, 40)], [])));
        tracker.Observe(Step([], [Window(Router, 1)]));
        var updated = Assert.Single(tracker.Observe(Step([Alert("decision.outcome", 300, 20)], [])));

        Assert.Equal(IncidentStatus.Opened, opened.Status);
        Assert.Equal(IncidentStatus.Updated, updated.Status);
        Assert.Equal(opened.Id, updated.Id);
        Assert.Equal(T0.AddSeconds(10), updated.StartedAt);
        Assert.Equal(T0.AddSeconds(300), updated.UpdatedAt);
        Assert.Equal(["decision.outcome|input.features.urgency=high", "decision.outcome"], updated.Features.Select(f => f.Feature));
    }

    [Fact]
    public void Observe_AlertAfterGroupWindowsClosed_OpensANewIncident()
    {
        var tracker = new IncidentTracker(new IncidentOptions { GroupWindows = 2 });

        var first = Assert.Single(tracker.Observe(Step([Alert("decision.outcome", 10, 20)], [])));
        tracker.Observe(Step([], [Window(Router, 1)]));
        tracker.Observe(Step([], [Window(Router, 2)]));
        var second = Assert.Single(tracker.Observe(Step([Alert("output.sentiment", 900, 20)], [])));

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(IncidentStatus.Opened, second.Status);
        Assert.Equal(["output.sentiment"], second.Features.Select(f => f.Feature));
    }

    [Fact]
    public void Observe_WindowsOfAnotherBehaviour_DoNotCloseTheIncident()
    {
        var tracker = new IncidentTracker(new IncidentOptions { GroupWindows = 1 });
        var other = Router with { AgentId = "router-b" };

        var first = Assert.Single(tracker.Observe(Step([Alert("decision.outcome", 10, 20)], [])));
        tracker.Observe(Step([], [Window(other, 1), Window(other, 2)]));
        var joined = Assert.Single(tracker.Observe(Step([Alert("output.sentiment", 20, 20)], [])));

        Assert.Equal(first.Id, joined.Id);
    }

    [Fact]
    public void Observe_FeaturesRankedByEvidence_HighestScoreOverThresholdFirst()
    {
        var tracker = new IncidentTracker();

        var incident = Assert.Single(tracker.Observe(Step(
            [Alert("decision.outcome", 10, 2), Alert("output.sentiment", 10, 9), Alert("decision.confidence", 10, 4)],
            [])));

        Assert.Equal(["output.sentiment", "decision.confidence", "decision.outcome"], incident.Features.Select(f => f.Feature));
        Assert.Equal(9, incident.Features[0].Evidence, 6);
    }

    [Fact]
    public void IdOf_SameFirstAlertReplayed_SameIdAndOtherBehaviourDiffers()
    {
        var alert = Alert("decision.outcome", 10, 20);

        Assert.Equal(IncidentTracker.IdOf(alert), IncidentTracker.IdOf(alert with { Score = 99 }));
        Assert.NotEqual(IncidentTracker.IdOf(alert), IncidentTracker.IdOf(alert with { Key = Router with { Environment = "staging" } }));
        Assert.Matches("^inc-[0-9a-f]{16}$", IncidentTracker.IdOf(alert));
    }

    [Fact]
    public void ReadState_AfterWriteStateWithOpenIncident_LaterAlertJoinsTheSameIncident()
    {
        var before = new IncidentTracker();
        var opened = Assert.Single(before.Observe(Step([Alert("decision.outcome", 10, 20)], [])));
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            before.WriteState(writer);
        }

        buffer.Position = 0;
        var after = new IncidentTracker();
        using (var reader = new BinaryReader(buffer))
        {
            after.ReadState(reader);
        }

        var joined = Assert.Single(after.Observe(Step([Alert("output.sentiment", 20, 20)], [])));
        Assert.Equal(opened.Id, joined.Id);
        Assert.Equal(IncidentStatus.Updated, joined.Status);
        Assert.Equal(2, joined.Features.Count);
    }

    [Fact]
    public void Format_Incident_WritesSchemaIdFeaturesRootAndAlertKeys()
    {
        var tracker = new IncidentTracker();
        var incident = Assert.Single(tracker.Observe(Step([Alert("decision.outcome|input.features.urgency=high", 10, 20)], [])));

        using var json = JsonDocument.Parse(IncidentJson.Format(incident));
        var root = json.RootElement;

        Assert.Equal("driftwatch.incident/v1", root.GetProperty("schema").GetString());
        Assert.Equal(incident.Id, root.GetProperty("id").GetString());
        Assert.Equal("router-a", root.GetProperty("agent_id").GetString());
        Assert.Equal("route", root.GetProperty("decision").GetString());
        Assert.Equal("opened", root.GetProperty("status").GetString());
        Assert.Equal("2026-03-02T08:00:10.000Z", root.GetProperty("started_at").GetString());
        Assert.Equal("urgency=high", root.GetProperty("root_segment").GetString());
        Assert.Equal(0.5, root.GetProperty("features")[0].GetProperty("effect").GetDouble(), 6);
        Assert.Equal("decision.outcome|input.features.urgency=high@2026-03-02T08:00:10.000Z", root.GetProperty("alert_keys")[0].GetString());
    }

    private static DetectionStep Step(IReadOnlyList<DriftAlert> alerts, IReadOnlyList<WindowSummary> windows) => new([], alerts, windows);

    private static WindowSummary Window(BehaviourKey key, int index) =>
        new(key, T0.AddMinutes(index), T0.AddMinutes(index + 1), 250, new Dictionary<string, double>(), new Dictionary<string, double>());

    private static DriftAlert Alert(string feature, int seconds, double evidence) => new(
        Router,
        feature,
        "chi2",
        evidence * 10,
        10,
        AlertSeverity.Critical,
        T0.AddSeconds(seconds),
        T0,
        T0.AddSeconds(seconds),
        "moved",
        [new ValueShift("escalations", 0.6, 0.1), new ValueShift("general", 0.2, 0.7)]);
}
