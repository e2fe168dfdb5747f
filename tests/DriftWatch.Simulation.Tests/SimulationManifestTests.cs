using DriftWatch.Simulation.Internal;

namespace DriftWatch.Simulation.Tests;

public class SimulationManifestTests
{
    [Theory]
    [InlineData("misrouting", "policy/routing/urgency-high", "urgency", "high")]
    [InlineData("misrouting:segment=channel=phone,agent=tech-helpdesk", "policy/routing/channel-phone", "channel", "phone")]
    [InlineData("sentiment-collapse:agent=billing-triage", "policy/tone", null, null)]
    [InlineData("new-reply-vocabulary:onset=0.2", "prompt/reply-template", null, null)]
    [InlineData("latency-creep:agent=returns-bot,mode=gradual", "tools/search-backend", null, null)]
    [InlineData("confidence-drop:onset=0.9", "model/calibration", null, null)]
    public void Manifest_Scenario_CausalStateEventPrecedesOnsetDecision(string spec, string key, string? segmentKey, string? segmentValue)
    {
        var scenario = DriftScenario.Parse(spec);
        var simulator = new FleetSimulator(Fleet.With(scenario));
        var records = simulator.Generate().ToList();
        var truth = Assert.Single(simulator.Manifest.Scenarios);

        var causal = records[(int)truth.CausalStateGlobalIndex].State;
        var onset = records[(int)truth.OnsetGlobalIndex].Decision;
        Assert.NotNull(causal);
        Assert.NotNull(onset);
        Assert.Equal(truth.OnsetGlobalIndex - 1, truth.CausalStateGlobalIndex);
        Assert.Equal(key, causal.Key);
        Assert.Equal(key, truth.CausalStateKey);
        Assert.Equal(truth.CausalStateEventId, causal.EventId);
        Assert.Equal(truth.CausalStateVersion, causal.StateVersion);
        Assert.Equal(truth.AgentId, causal.AgentId);
        Assert.Equal(truth.AgentId, onset.AgentId);
        Assert.Equal(truth.DecisionName, onset.DecisionName);
        Assert.Equal(truth.OnsetTimestamp, onset.Timestamp);
        Assert.Equal(onset.Timestamp, causal.Timestamp);
        Assert.Equal(causal.StateVersion, onset.StateVersion);
        if (segmentKey is null)
        {
            Assert.Empty(causal.Segment);
        }
        else
        {
            Assert.Equal(segmentValue, Assert.Single(causal.Segment, p => p.Key == segmentKey).Value);
        }

        Assert.Equal(truth.CausalStateSegment, causal.Segment);
        var agentDecisionsBefore = records.Take((int)truth.OnsetGlobalIndex).Count(r => r.IsDecision && r.AgentId == truth.AgentId);
        Assert.Equal(truth.OnsetAgentIndex, agentDecisionsBefore);
        var previous = records.Take((int)truth.CausalStateGlobalIndex).Last(r => r.IsDecision && r.AgentId == truth.AgentId).Decision!;
        Assert.NotEqual(causal.StateVersion, previous.StateVersion);
    }

    [Theory]
    [InlineData(0.5, 2_500)]
    [InlineData(0.0, 0)]
    [InlineData(1.0, 4_999)]
    public void Manifest_Onset_IsFractionOfAgentDecisions(double onset, int expectedIndex)
    {
        var manifest = new FleetSimulator(Fleet.With(new DriftScenario(DriftKind.ConfidenceDrop) { Onset = onset })).Manifest;

        Assert.Equal(expectedIndex, manifest.Scenarios[0].OnsetAgentIndex);
    }

    [Fact]
    public void Manifest_Counts_MatchGeneratedEvents()
    {
        var simulator = new FleetSimulator(Fleet.With(DriftScenario.Parse("misrouting"), DriftScenario.Parse("latency-creep:agent=returns-bot")));
        var records = simulator.Generate().ToList();
        var manifest = simulator.Manifest;

        Assert.Equal(records.Count(r => r.IsDecision), manifest.DecisionEvents);
        Assert.Equal(records.Count(r => !r.IsDecision), manifest.StateEvents);
        Assert.Equal(records.Count, manifest.TotalEvents);
        Assert.Equal(records[0].Timestamp, manifest.FirstTimestamp);
        Assert.Equal(records[^1].Timestamp, manifest.LastTimestamp);
        Assert.Equal(["support-router", "billing-triage", "returns-bot", "tech-helpdesk"], manifest.AgentIds);
        Assert.Equal("returns-bot", manifest.Scenarios[1].AgentId);
        Assert.Equal("decision.outcome|input.features.urgency=high", manifest.Scenarios[0].ExpectedFeature);
        Assert.Equal("metrics.latency_ms", manifest.Scenarios[1].ExpectedFeature);
    }

    [Fact]
    public void Manifest_GradualScenario_FullStrengthAfterRamp()
    {
        var simulator = new FleetSimulator(Fleet.With(DriftScenario.Parse("sentiment-collapse:mode=gradual,ramp=800,onset=0.2")));
        var truth = simulator.Manifest.Scenarios[0];
        var decisions = Fleet.DecisionsOf(simulator.Generate(), truth.AgentId);

        Assert.Equal(truth.OnsetAgentIndex + 799, truth.FullStrengthAgentIndex);
        Assert.Equal(decisions[truth.FullStrengthAgentIndex].Timestamp, truth.FullStrengthTimestamp);
    }

    [Fact]
    public void Manifest_RampBeyondEnd_NoFullStrengthTimestamp()
    {
        var manifest = new FleetSimulator(Fleet.With(DriftScenario.Parse("confidence-drop:mode=gradual,ramp=100000"))).Manifest;

        Assert.Null(manifest.Scenarios[0].FullStrengthTimestamp);
    }

    [Fact]
    public void StrengthAt_GradualRamp_RisesLinearlyToOne()
    {
        var planned = new PlannedScenario(0, new DriftScenario(DriftKind.LatencyCreep) { Mode = DriftMode.Gradual, Ramp = 4 }, 0, 10);

        Assert.Equal([0, 0.25, 0.5, 0.75, 1, 1], new[] { 9, 10, 11, 12, 13, 500 }.Select(planned.StrengthAt));
    }

    [Fact]
    public void StrengthAt_Sudden_FullFromOnset()
    {
        var planned = new PlannedScenario(0, new DriftScenario(DriftKind.LatencyCreep), 0, 10);

        Assert.Equal([0, 1, 1], new[] { 9, 10, 11 }.Select(planned.StrengthAt));
    }
}
