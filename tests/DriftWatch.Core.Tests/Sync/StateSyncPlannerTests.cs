using System.Text.Json;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;
using DriftWatch.Core.Sync;

namespace DriftWatch.Core.Tests.Sync;

public sealed class StateSyncPlannerTests
{
    private const string Routing = "decision.outcome|input.features.urgency=high";
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private int _sequence;

    private StateEvent Set(string environment, string key, string json, int minute, string? urgency = null, string agent = "router") => new()
    {
        EventId = $"e{++_sequence}",
        AgentId = agent,
        Environment = environment,
        Timestamp = T0.AddMinutes(minute),
        Key = key,
        Op = StateOperation.Set,
        Value = JsonDocument.Parse(json).RootElement.Clone(),
        Segment = urgency is null ? DecisionEvent.EmptyStrings : new Dictionary<string, string> { ["urgency"] = urgency },
        StateVersion = $"mem-{_sequence:D6}",
    };

    private StateEvent Delete(string environment, string key, int minute) => new()
    {
        EventId = $"e{++_sequence}",
        AgentId = "router",
        Environment = environment,
        Timestamp = T0.AddMinutes(minute),
        Key = key,
        Op = StateOperation.Delete,
        StateVersion = $"mem-{_sequence:D6}",
    };

    private List<StateEvent> Recording() =>
    [
        Set("production", "route/urgency=high", "\"escalations\"", 0, "high"),
        Set("staging", "route/urgency=high", "\"escalations\"", 0, "high"),
        Set("production", "memory/greeting", "\"hello\"", 1),
        Set("staging", "memory/greeting", "\"hello\"", 1),
        Set("production", "route/default", "\"general\"", 2),
        Set("staging", "route/default", "\"general\"", 2),
        Set("production", "tools/timeout", "{\"ms\":2000}", 3),
        Set("staging", "tools/timeout", "{\"ms\":2000}", 3),
        Set("staging", "route/urgency=high", "\"general\"", 10, "high"),
        Set("staging", "memory/greeting", "\"hi there\"", 11),
        Set("staging", "memory/experiment", "{\"arm\":\"b\"}", 12),
        Delete("staging", "tools/timeout", 13),
        Set("other", "route/default", "\"billing\"", 14),
        Set("staging", "route/default", "\"billing\"", 15, agent: "someone-else"),
    ];

    /// <summary>A plan of four differing keys, the routing key linked to <see cref="Routing"/>.</summary>
    internal static StateSyncPlan SamplePlan() =>
        StateSyncPlanner.Plan("router", "production", "staging", new StateSyncPlannerTests().Recording(), features: [Routing]);

    [Fact]
    public void Plan_DivergentKeys_ListsExactlyThemWithTheirKind()
    {
        var plan = StateSyncPlanner.Plan("router", "production", "staging", Recording());

        Assert.Equal(["memory/experiment", "memory/greeting", "route/urgency=high", "tools/timeout"], plan.Differences.Select(static d => d.Key));
        Assert.Equal(
            [StateKeyDifferenceKind.OnlyInTarget, StateKeyDifferenceKind.Changed, StateKeyDifferenceKind.Changed, StateKeyDifferenceKind.OnlyInSource],
            plan.Differences.Select(static d => d.Kind));
        Assert.Equal(1, plan.SameKeys);
        Assert.Equal(4, plan.SourceChanges);
        Assert.Equal(8, plan.TargetChanges);
    }

    [Fact]
    public void Plan_KeyChangedTwice_ShowsLastValueVersionAndTime()
    {
        var plan = StateSyncPlanner.Plan("router", "production", "staging", Recording());

        var routing = plan.Differences.Single(static d => d.Key == "route/urgency=high");
        Assert.Equal("\"escalations\"", routing.Source!.Value.GetRawText());
        Assert.Equal("\"general\"", routing.Target!.Value.GetRawText());
        Assert.Equal("mem-000009", routing.Target.StateVersion);
        Assert.Equal(T0.AddMinutes(10), routing.Target.ChangedAt);
        Assert.Equal(T0, routing.Source.ChangedAt);
    }

    [Fact]
    public void Plan_EventsOutOfTimeOrder_LaterTimestampWins()
    {
        List<StateEvent> changes = [Set("staging", "k", "2", 5), Set("staging", "k", "1", 4), Set("production", "k", "1", 0)];

        var plan = StateSyncPlanner.Plan("router", "production", "staging", changes);

        Assert.Equal("2", plan.Differences.Single().Target!.Value.GetRawText());
    }

    [Fact]
    public void Plan_WithFeature_LinksOnlyKeysAttributionTiesToIt()
    {
        var plan = StateSyncPlanner.Plan("router", "production", "staging", Recording(), features: [Routing]);

        Assert.Equal([Routing], plan.Differences.Single(static d => d.Key == "route/urgency=high").LinkedFeatures);
        Assert.Empty(plan.Differences.Single(static d => d.Key == "memory/greeting").LinkedFeatures);
        Assert.Empty(plan.Differences.Single(static d => d.Key == "tools/timeout").LinkedFeatures);
    }

    [Fact]
    public void Select_ByFeature_KeepsTheLinkedKeysAndTheNamedOnes()
    {
        var plan = StateSyncPlanner.Plan("router", "production", "staging", Recording());

        Assert.Equal(["route/urgency=high"], plan.Select([], [Routing]).Select(static d => d.Key));
        Assert.Equal(["memory/greeting", "route/urgency=high"], plan.Select(["memory/greeting"], [Routing]).Select(static d => d.Key));
        Assert.Equal(4, plan.Select([], []).Count);
    }

    [Fact]
    public void Plan_SameEnvironmentTwice_Throws()
    {
        Assert.Throws<ArgumentException>(() => StateSyncPlanner.Plan("router", "staging", "staging", Recording()));
    }

    [Theory]
    [InlineData("route/urgency=high", "high", Routing, true)]
    [InlineData("route/urgency=low", "low", Routing, false)]
    [InlineData("memory/greeting", null, Routing, false)]
    [InlineData("policy/tone", null, "output.sentiment", true)]
    [InlineData("policy/tone", null, Routing, false)]
    [InlineData("policy/routing/urgency-high", "high", Routing, true)]
    [InlineData("route/default", null, "decision.outcome", true)]
    public void BearsOn_KeyAndFeature_FollowsAttributionVocabularyAndSegment(string key, string? urgency, string feature, bool expected)
    {
        var segment = urgency is null ? DecisionEvent.EmptyStrings : new Dictionary<string, string> { ["urgency"] = urgency };

        Assert.Equal(expected, RollbackAttribution.BearsOn(key, segment, feature));
    }

    [Fact]
    public void Json_Plan_WritesValuesVersionsAndLinks()
    {
        var plan = StateSyncPlanner.Plan("router", "production", "staging", Recording(), features: [Routing]);

        using var json = JsonDocument.Parse(StateSyncRenderers.Json(plan));

        var root = json.RootElement;
        Assert.Equal("driftwatch.sync-plan/v1", root.GetProperty("schema").GetString());
        var routing = root.GetProperty("differences").EnumerateArray().Single(static d => d.GetProperty("key").GetString() == "route/urgency=high");
        Assert.Equal("general", routing.GetProperty("target").GetProperty("value").GetString());
        Assert.Equal("high", routing.GetProperty("source").GetProperty("segment").GetProperty("urgency").GetString());
        Assert.Equal(Routing, routing.GetProperty("linked_features")[0].GetString());
        var prompt = root.GetProperty("differences").EnumerateArray().Single(static d => d.GetProperty("key").GetString() == "memory/experiment");
        Assert.Equal(JsonValueKind.Null, prompt.GetProperty("source").ValueKind);
    }

    [Fact]
    public void Text_Plan_OneRowPerDifferingKey()
    {
        var plan = StateSyncPlanner.Plan("router", "production", "staging", Recording());

        var lines = StateSyncRenderers.Text(plan).Split('\n');

        Assert.StartsWith("router: 4 state key(s) differ", lines[0], StringComparison.Ordinal);
        Assert.Single(lines, static l => l.StartsWith("route/urgency=high ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, static l => l.StartsWith("route/default", StringComparison.Ordinal));
    }
}
