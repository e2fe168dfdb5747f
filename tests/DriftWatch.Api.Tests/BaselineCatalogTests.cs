using System.Text.Json;
using DriftWatch.Api.Rollback;
using DriftWatch.Core.Events;

namespace DriftWatch.Api.Tests;

public sealed class BaselineCatalogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static DecisionEvent Decision(int second, string state, string agent = "a") => new()
    {
        EventId = Guid.NewGuid().ToString(),
        AgentId = agent,
        AgentVersion = "1.0",
        Timestamp = T0.AddSeconds(second),
        DecisionName = "route",
        Outcome = "x",
        StateVersion = state,
    };

    private static StateEvent State(int second, string key, IReadOnlyDictionary<string, string>? segment = null) => new()
    {
        EventId = Guid.NewGuid().ToString(),
        AgentId = "a",
        Timestamp = T0.AddSeconds(second),
        Key = key,
        Op = StateOperation.Set,
        Value = JsonDocument.Parse("1").RootElement.Clone(),
        Segment = segment ?? new Dictionary<string, string>(),
    };

    [Fact]
    public async Task FindLastGood_VersionsAfterReferenceWindow_AreNotBaselines()
    {
        var catalog = new InMemoryBaselineCatalog(referenceEvents: 3);
        catalog.Observe(Decision(1, "mem-1"));
        catalog.Observe(Decision(2, "mem-1"));
        catalog.Observe(Decision(3, "mem-1"));
        catalog.Observe(Decision(4, "mem-2"));

        var baseline = await catalog.FindLastGoodAsync("a", "production", T0.AddSeconds(100), CancellationToken.None);

        Assert.NotNull(baseline);
        Assert.Equal("mem-1", baseline.StateVersion);
        Assert.Equal("1.0", baseline.AgentVersion);
        Assert.Equal(T0.AddSeconds(3), baseline.LastSeen);
    }

    [Fact]
    public async Task FindLastGood_TwoVersionsInReference_TakesTheNewestSeenBeforeOnset()
    {
        var catalog = new InMemoryBaselineCatalog(referenceEvents: 10);
        catalog.Observe(Decision(1, "mem-1"));
        catalog.Observe(Decision(5, "mem-2"));
        catalog.Observe(Decision(9, "mem-3"));

        var baseline = await catalog.FindLastGoodAsync("a", "production", T0.AddSeconds(6), CancellationToken.None);

        Assert.Equal("mem-2", baseline!.StateVersion);
    }

    [Fact]
    public async Task FindLastGood_UnknownAgent_IsNull()
    {
        var catalog = new InMemoryBaselineCatalog();
        catalog.Observe(Decision(1, "mem-1"));

        Assert.Null(await catalog.FindLastGoodAsync("other", "production", T0, CancellationToken.None));
        Assert.Null(await catalog.FindLastGoodAsync("a", "staging", T0, CancellationToken.None));
    }

    [Fact]
    public async Task FindLastGood_PinnedBaseline_WinsOverObserved()
    {
        var catalog = new InMemoryBaselineCatalog();
        catalog.Observe(Decision(1, "mem-1"));
        catalog.Pin("a", "production", new RollbackBaseline("2.0", "mem-9", T0, "snap-1"));

        var baseline = await catalog.FindLastGoodAsync("a", "production", T0.AddHours(1), CancellationToken.None);

        Assert.Equal("snap-1", baseline!.SnapshotId);
    }

    [Fact]
    public async Task FindChangedStateKeys_SegmentDrift_RevertsTheChangeToThatSegmentAndLeavesTheOthers()
    {
        var catalog = new InMemoryBaselineCatalog(referenceEvents: 2);
        catalog.Observe(State(0, "route/before"));
        catalog.Observe(Decision(1, "mem-1"));
        catalog.Observe(Decision(2, "mem-1"));
        catalog.Observe(State(30, "route/urgency=high", new Dictionary<string, string> { ["urgency"] = "high" }));
        catalog.Observe(State(40, "route/urgency=low", new Dictionary<string, string> { ["urgency"] = "low" }));
        catalog.Observe(State(50, "memory/greeting"));
        var baseline = (await catalog.FindLastGoodAsync("a", "production", T0.AddMinutes(1), CancellationToken.None))!;

        var keys = await catalog.FindChangedStateKeysAsync("a", "production", baseline, "decision.outcome|input.features.urgency=high", T0.AddSeconds(60), CancellationToken.None);

        Assert.Equal(["route/urgency=high"], keys);
    }

    [Fact]
    public async Task FindChangedStateKeys_ChangesBeforeBaselineOrOfOtherAgents_AreNeverReverted()
    {
        var catalog = new InMemoryBaselineCatalog(referenceEvents: 2);
        catalog.Observe(State(0, "route/early"));
        catalog.Observe(Decision(10, "mem-1"));
        catalog.Observe(Decision(20, "mem-1"));
        catalog.Observe(Decision(25, "mem-9", agent: "b"));
        catalog.Observe(State(30, "route/default"));
        var baseline = (await catalog.FindLastGoodAsync("a", "production", T0.AddMinutes(1), CancellationToken.None))!;

        var keys = await catalog.FindChangedStateKeysAsync("a", "production", baseline, "decision.outcome", T0.AddSeconds(40), CancellationToken.None);
        var other = await catalog.FindChangedStateKeysAsync("b", "production", baseline, "decision.outcome", T0.AddSeconds(40), CancellationToken.None);

        Assert.Equal(["route/default"], keys);
        Assert.Empty(other);
    }

    [Fact]
    public async Task Observe_MoreStateChangesThanKept_ForgetsTheOldest()
    {
        var catalog = new InMemoryBaselineCatalog(referenceEvents: 1, maxStateChanges: 2);
        catalog.Observe(Decision(1, "mem-1"));
        catalog.Observe(State(2, "route/k1"));
        catalog.Observe(State(3, "route/k2"));
        catalog.Observe(State(4, "route/k3"));
        var baseline = (await catalog.FindLastGoodAsync("a", "production", T0.AddMinutes(1), CancellationToken.None))!;

        var keys = await catalog.FindChangedStateKeysAsync("a", "production", baseline, "decision.outcome", T0.AddSeconds(5), CancellationToken.None);

        Assert.DoesNotContain("route/k1", keys);
        Assert.Contains("route/k3", keys);
    }

    [Theory]
    [InlineData("decision.outcome", "")]
    [InlineData("decision.outcome|input.features.urgency=high", "urgency=high")]
    [InlineData("decision.outcome|input.features.urgency=high,input.features.channel=email", "channel=email;urgency=high")]
    [InlineData("decision.outcome|labels.model=x", "")]
    public void SegmentOf_Feature_ReadsInputSegments(string feature, string expected)
    {
        var segment = RollbackPlanner.SegmentOf(feature);

        Assert.Equal(expected, string.Join(';', segment.OrderBy(static p => p.Key, StringComparer.Ordinal).Select(static p => $"{p.Key}={p.Value}")));
    }
}
