using System.Text.Json;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Tests.Snapshots;

public sealed class RollbackAttributionTests
{
    private const string InjectedKey = "routing/escalation-rules";
    private static readonly DateTimeOffset LastGoodEnd = DecisionEventGenerator.Start.AddHours(1);
    private static readonly DateTimeOffset Onset = LastGoodEnd.AddMinutes(50);
    private static readonly DriftObservation MisroutingDrift = new(
        DecisionEventGenerator.Agent, DecisionEventGenerator.Environment, "decision.outcome|input.features.urgency=high", Onset);

    [Fact]
    public void DriftObservation_ConditionalFeature_SplitsSegment()
    {
        Assert.Equal(FeatureNames.Outcome, MisroutingDrift.BaseFeature);
        Assert.Equal(new Dictionary<string, string> { ["urgency"] = "high" }, MisroutingDrift.Segment);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Rank_InjectedChangeAmongTwentyFourDistractors_RankedFirst(int seed)
    {
        var changes = Distractors(seed, 24).Append(Injected()).ToList();

        var ranked = RollbackAttribution.Rank(MisroutingDrift, LastGoodEnd, changes);

        Assert.Equal(25, ranked.Count);
        Assert.Equal(InjectedKey, ranked[0].Change.Key);
        Assert.True(ranked[0].Score > ranked[1].Score);
        Assert.Equal(3, ranked[0].Reasons.Count);
        Assert.Contains(ranked[0].Reasons, static r => r.Contains("3m 00s before the onset", StringComparison.Ordinal));
        Assert.Contains(ranked[0].Reasons, static r => r.Contains("covering the drifted segment urgency=high", StringComparison.Ordinal));
        Assert.Contains(ranked[0].Reasons, static r => r.Contains("'routing'", StringComparison.Ordinal));
    }

    [Fact]
    public void Rank_ChangesOutsideWindowOrOfOtherAgents_LeftOut()
    {
        var injected = Injected();
        var changes = new[]
        {
            injected,
            injected with { EventId = "before-good-end", Timestamp = LastGoodEnd.AddMinutes(-1) },
            injected with { EventId = "long-after-onset", Timestamp = Onset.AddMinutes(30) },
            injected with { EventId = "other-agent", AgentId = "billing-bot" },
            injected with { EventId = "other-env", Environment = "staging" },
        };

        var ranked = RollbackAttribution.Rank(MisroutingDrift, LastGoodEnd, changes);

        Assert.Equal(injected.EventId, Assert.Single(ranked).Change.EventId);
    }

    [Fact]
    public void Rank_SameKeyConflictingSegment_ScoresFarBelowMatchingSegment()
    {
        var matching = Injected();
        var conflicting = matching with { EventId = "conflicting", Segment = new Dictionary<string, string> { ["urgency"] = "low" } };

        var ranked = RollbackAttribution.Rank(MisroutingDrift, LastGoodEnd, [conflicting, matching]);

        Assert.Equal(matching.EventId, ranked[0].Change.EventId);
        Assert.True(ranked[1].SegmentScore < 0.1 * ranked[0].SegmentScore);
    }

    [Fact]
    public void Rank_TopChangeOfDiffOfMisroutedBehaviour_RevertsOnlyInjectedKey()
    {
        var lastGood = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 10, count: 3_600));
        var drifted = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 20, count: 3_000, InjectedDrift.MisroutingHighUrgency, Onset));
        var diff = SnapshotDiff.Compute(lastGood, drifted);
        var changes = Distractors(7, 30).Append(Injected()).ToList();
        var top = diff.Significant.First();

        var ranked = RollbackAttribution.Rank(
            new DriftObservation(lastGood.Scope.AgentId, lastGood.Scope.Environment, top.Feature, Onset), lastGood.To ?? DateTimeOffset.MinValue, changes);

        Assert.Equal(lastGood.To, LastGoodEnd.AddSeconds(-1));
        Assert.Equal("decision.outcome|input.features.urgency=high", top.Feature);
        Assert.Equal([InjectedKey], RollbackAttribution.KeysToRevert(ranked));
        Assert.Equal(31, ranked.Count);
    }

    [Fact]
    public void Options_InvalidRatio_ErrorNamesSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => RollbackAttribution.Rank(MisroutingDrift, LastGoodEnd, [], new AttributionOptions { RevertScoreRatio = 2 }));

        Assert.Contains(nameof(AttributionOptions.RevertScoreRatio), error.Message, StringComparison.Ordinal);
    }

    private static StateEvent Injected() => State("injected", InjectedKey, Onset.AddMinutes(-3), new() { ["urgency"] = "high" });

    /// <summary>
    /// Unrelated changes spread over the window, including deliberately hard ones: a routing change to another
    /// segment right before the onset, a global memory change one minute before it, a change scoped to the
    /// drifted segment long before it.
    /// </summary>
    private static IEnumerable<StateEvent> Distractors(int seed, int count)
    {
        yield return State("hard-1", "routing/billing-queue", Onset.AddMinutes(-2), new() { ["urgency"] = "low" });
        yield return State("hard-2", "memory/customer-preferences", Onset.AddMinutes(-1), []);
        yield return State("hard-3", "persona/greeting", Onset.AddMinutes(-40), new() { ["urgency"] = "high" });
        yield return State("hard-4", "routing/default-queue", Onset.AddMinutes(-35), []);

        string[] keys =
        [
            "memory/faq-cache", "kb/articles/returns", "prefs/language", "tools/lookup-order/timeout", "memory/customer/4711",
            "kb/articles/shipping", "persona/sign-off", "memory/summaries/daily", "prefs/date-format", "kb/synonyms",
        ];
        Dictionary<string, string>[] segments =
        [
            [], new() { ["urgency"] = "low" }, new() { ["channel"] = "chat" }, new() { ["category"] = "billing" }, new() { ["urgency"] = "medium" },
        ];
        var random = new Random(seed);
        var window = (Onset.AddMinutes(5) - LastGoodEnd).TotalSeconds;
        for (var i = 4; i < count; i++)
        {
            var at = LastGoodEnd.AddSeconds(1 + random.NextDouble() * (window - 1));
            yield return State($"distractor-{i}", keys[random.Next(keys.Length)], at, segments[random.Next(segments.Length)]);
        }
    }

    private static StateEvent State(string id, string key, DateTimeOffset at, Dictionary<string, string> segment) => new()
    {
        EventId = id,
        AgentId = DecisionEventGenerator.Agent,
        Environment = DecisionEventGenerator.Environment,
        Timestamp = at,
        Key = key,
        Op = StateOperation.Set,
        Value = JsonDocument.Parse("{\"v\":1}").RootElement.Clone(),
        Segment = segment,
        StateVersion = $"mem-{id}",
    };
}
