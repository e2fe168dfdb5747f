using DriftWatch.Core.Snapshots;
using DriftWatch.Core.Sync;

namespace DriftWatch.Simulation.Tests;

public sealed class EnvironmentPairTests
{
    private static EnvironmentPairSimulator Pair() => new(
        Fleet.With(
            DriftScenario.Parse("misrouting:agent=support-router,onset=0.4"),
            DriftScenario.Parse("sentiment-collapse:agent=support-router,onset=0.5"),
            DriftScenario.Parse("latency-creep:agent=billing-triage,onset=0.5")),
        "staging");

    [Fact]
    public void Plan_SimulatedPair_ListsExactlyTheInjectedKeysOfEachAgent()
    {
        var pair = Pair();
        var records = pair.Generate().ToList();
        var states = records.Where(static r => !r.IsDecision).Select(static r => r.State!).ToList();

        foreach (var agent in pair.Manifest.AgentIds)
        {
            var plan = StateSyncPlanner.Plan(agent, "production", "staging", states);

            Assert.Equal(pair.DivergentKeys(agent), plan.Differences.Select(static d => d.Key));
            Assert.All(plan.Differences, static d => Assert.Equal(StateKeyDifferenceKind.OnlyInTarget, d.Kind));
            Assert.True(plan.SameKeys >= 6, $"{agent}: {plan.SameKeys} shared keys");
        }

        Assert.Equal(["policy/routing/urgency-high", "policy/tone"], pair.DivergentKeys("support-router"));
        Assert.Empty(pair.DivergentKeys(pair.Manifest.AgentIds[^1]));
    }

    [Fact]
    public void Plan_SimulatedPairWithBehaviour_LinksEachInjectedKeyToTheFeatureItDrifted()
    {
        var pair = Pair();
        var records = pair.Generate().ToList();
        var production = new SnapshotBuilder(new SnapshotScope("support-router", "production", null));
        var staging = new SnapshotBuilder(new SnapshotScope("support-router", "staging", null));
        foreach (var decision in records.Where(static r => r.IsDecision).Select(static r => r.Decision!))
        {
            _ = production.TryAdd(decision) || staging.TryAdd(decision);
        }

        var behaviour = SnapshotDiff.CompareEnvironments(production.Build(), staging.Build());
        var plan = StateSyncPlanner.Plan("support-router", "production", "staging", [.. records.Where(static r => !r.IsDecision).Select(static r => r.State!)], behaviour);

        var routing = plan.Differences.Single(static d => d.Key == "policy/routing/urgency-high");
        var tone = plan.Differences.Single(static d => d.Key == "policy/tone");
        Assert.Contains("decision.outcome|input.features.urgency=high", routing.LinkedFeatures);
        Assert.Contains("output.sentiment", tone.LinkedFeatures);
        Assert.DoesNotContain("output.sentiment", routing.LinkedFeatures);
        Assert.DoesNotContain("decision.outcome|input.features.urgency=high", tone.LinkedFeatures);
    }

    [Fact]
    public void Constructor_SameEnvironmentTwice_Throws()
    {
        Assert.Throws<ArgumentException>(() => new EnvironmentPairSimulator(new SimulationOptions(), "production"));
    }
}
