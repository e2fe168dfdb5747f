using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;
using DriftWatch.Simulation;

namespace DriftWatch.Core.Tests.Snapshots;

/// <summary>
/// Snapshots of a simulated fleet with one injected drift: the diff of the drifted period against the last
/// good snapshot must name the simulator's ground-truth feature first, and the rollback plan must revert
/// its causal state key first, among the background state changes the simulator emits.
/// </summary>
public sealed class SimulatedFleetSnapshotTests
{
    private const int Events = 12_000;

    public static TheoryData<DriftKind> Kinds => new()
    {
        DriftKind.Misrouting, DriftKind.SentimentCollapse, DriftKind.NewReplyVocabulary, DriftKind.LatencyCreep, DriftKind.ConfidenceDrop,
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void DiffAndPlan_SimulatedDrift_NameGroundTruthFeatureAndCausalKey(DriftKind kind)
    {
        var simulator = new FleetSimulator(new SimulationOptions
        {
            Seed = 7,
            Agents = 1,
            Events = Events,
            StateChangeEvery = 200,
            Scenarios = [new DriftScenario(kind) { Onset = 0.5 }],
        });
        var truth = simulator.Manifest.Scenarios[0];
        var records = simulator.Generate().ToList();
        var decisions = records.Where(static r => r.IsDecision).Select(static r => r.Decision!).ToList();
        var states = records.Where(static r => !r.IsDecision).Select(static r => r.State!).ToList();
        var scope = new SnapshotScope(truth.AgentId, simulator.Options.Environment, truth.DecisionName);

        // The last good snapshot ends well before the onset, so state changes pile up in between.
        var lastGood = SnapshotTestData.Snapshot(decisions.Take(truth.OnsetAgentIndex / 2), scope);
        var drifted = SnapshotTestData.Snapshot(decisions.Skip(truth.OnsetAgentIndex), scope);

        var diff = SnapshotDiff.Compute(lastGood, drifted);
        var top = diff.Changes[0];
        var ranked = RollbackAttribution.Rank(
            new DriftObservation(scope.AgentId, scope.Environment, top.Feature, truth.OnsetTimestamp), lastGood.To ?? DateTimeOffset.MinValue, states);
        var keys = RollbackAttribution.KeysToRevert(ranked);

        Assert.Equal(truth.ExpectedFeature, diff.Changes[0].Feature);
        Assert.True(diff.Changes[0].Significant);
        Assert.True(ranked.Count >= 21, $"only {ranked.Count} state changes in the window");
        Assert.Equal(truth.CausalStateEventId, ranked[0].Change.EventId);

        // Background changes a fraction of a second before an all-traffic drift, with a plausible key, may join
        // the causal key; the causal key always leads it and the revert stays scoped.
        Assert.Equal(truth.CausalStateKey, keys[0]);
        Assert.InRange(keys.Count, 1, AttributionOptions.Default.MaxKeysToRevert);
    }
}
