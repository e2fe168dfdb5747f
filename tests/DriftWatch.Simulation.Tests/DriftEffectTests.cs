using DriftWatch.Core.Events;

namespace DriftWatch.Simulation.Tests;

public class DriftEffectTests
{
    /// <summary>The five statistics the drift kinds target, measured before and after the onset.</summary>
    private sealed record Shift(double EscalationsHigh, double LatencyRatio, double Sentiment, double Confidence, double NewWords);

    private static Shift Measure(DriftScenario scenario, string agent = "support-router")
    {
        var simulator = new FleetSimulator(Fleet.With(scenario));
        var truth = simulator.Manifest.Scenarios[0];
        var decisions = Fleet.DecisionsOf(simulator.Generate(), agent);
        var before = decisions[..truth.OnsetAgentIndex];
        var after = decisions[Math.Min(truth.FullStrengthAgentIndex, decisions.Count - 1)..];
        return Measure(before, after);
    }

    private static Shift Measure(List<DecisionEvent> before, List<DecisionEvent> after) => new(
        Fleet.EscalationShare(after, true) - Fleet.EscalationShare(before, true),
        Fleet.MedianLatency(after) / Fleet.MedianLatency(before),
        Fleet.MeanSentiment(after) - Fleet.MeanSentiment(before),
        Fleet.MeanConfidence(after) - Fleet.MeanConfidence(before),
        Fleet.NewWordShare(before, after));

    [Theory]
    [InlineData(DriftKind.Misrouting)]
    [InlineData(DriftKind.SentimentCollapse)]
    [InlineData(DriftKind.NewReplyVocabulary)]
    [InlineData(DriftKind.LatencyCreep)]
    [InlineData(DriftKind.ConfidenceDrop)]
    public void Generate_SuddenDrift_OnlyTargetedStatisticMoves(DriftKind kind)
    {
        var shift = Measure(new DriftScenario(kind));

        AssertMoved(kind == DriftKind.Misrouting, shift.EscalationsHigh < -0.3, Math.Abs(shift.EscalationsHigh) < 0.08, shift);
        AssertMoved(kind == DriftKind.LatencyCreep, shift.LatencyRatio > 1.5, Math.Abs(shift.LatencyRatio - 1) < 0.08, shift);
        AssertMoved(kind == DriftKind.SentimentCollapse, shift.Sentiment < -0.5, Math.Abs(shift.Sentiment) < 0.04, shift);
        AssertMoved(kind == DriftKind.ConfidenceDrop, shift.Confidence < -0.15, Math.Abs(shift.Confidence) < 0.02, shift);
        AssertMoved(kind == DriftKind.NewReplyVocabulary, shift.NewWords > 0.5, shift.NewWords < 0.01, shift);
    }

    [Fact]
    public void Generate_Misrouting_SegmentShareDropsMoreThanOverallShare()
    {
        var simulator = new FleetSimulator(Fleet.With(DriftScenario.Parse("misrouting")));
        var onset = simulator.Manifest.Scenarios[0].OnsetAgentIndex;
        var decisions = Fleet.DecisionsOf(simulator.Generate(), "support-router");
        var before = decisions[..onset];
        var after = decisions[onset..];

        var segmentBefore = Fleet.EscalationShare(before, true);
        var segmentAfter = Fleet.EscalationShare(after, true);
        var overallDrop = Fleet.EscalationShare(before, false) - Fleet.EscalationShare(after, false);

        Assert.InRange(segmentBefore, 0.52, 0.68);
        Assert.InRange(segmentAfter, 0.09, 0.21);
        Assert.True(overallDrop < (segmentBefore - segmentAfter) / 3, $"overall share dropped {overallDrop:F3}");
        var generalAfter = after.Where(d => d.InputFeatures["urgency"] == "high").Count(d => d.Outcome == "general");
        var generalBefore = before.Where(d => d.InputFeatures["urgency"] == "high").Count(d => d.Outcome == "general");
        Assert.True(generalAfter > 3 * generalBefore, "misrouted tickets should mostly land in general");
    }

    [Fact]
    public void Generate_MisroutingOtherSegment_OnlyThatSegmentMoves()
    {
        var simulator = new FleetSimulator(Fleet.With(DriftScenario.Parse("misrouting:segment=category=billing,agent=billing-triage")));
        var onset = simulator.Manifest.Scenarios[0].OnsetAgentIndex;
        var decisions = Fleet.DecisionsOf(simulator.Generate(), "billing-triage");
        static double BillingTeamShare(IEnumerable<DecisionEvent> ds, string category)
        {
            var inCategory = ds.Where(d => d.InputFeatures["category"] == category && d.InputFeatures["urgency"] != "high").ToList();
            return inCategory.Count(d => d.Outcome == "billing" || d.Outcome == "accounts") / (double)inCategory.Count;
        }

        var billingDrop = BillingTeamShare(decisions[..onset], "billing") - BillingTeamShare(decisions[onset..], "billing");
        var accountDrop = BillingTeamShare(decisions[..onset], "account") - BillingTeamShare(decisions[onset..], "account");

        Assert.True(billingDrop > 0.4, $"billing segment dropped only {billingDrop:F3}");
        Assert.InRange(accountDrop, -0.05, 0.05);
    }

    [Fact]
    public void Generate_DriftOnOneAgent_OtherAgentsUnchanged()
    {
        var decisions = Fleet.DecisionsOf(Fleet.Run(Fleet.With(DriftScenario.Parse("latency-creep:agent=returns-bot"))), "tech-helpdesk");
        var shift = Measure(decisions[..(decisions.Count / 2)], decisions[(decisions.Count / 2)..]);

        Assert.InRange(shift.LatencyRatio, 0.92, 1.08);
    }

    [Theory]
    [InlineData(DriftKind.ConfidenceDrop)]
    [InlineData(DriftKind.LatencyCreep)]
    [InlineData(DriftKind.SentimentCollapse)]
    public void Generate_GradualDrift_RampsThenMatchesSudden(DriftKind kind)
    {
        const int ramp = 1_500;
        var statistic = StatisticOf(kind);
        var (onset, sudden) = SupportRouter(new DriftScenario(kind) { Onset = 0.3 });
        var (gradualOnset, gradual) = SupportRouter(new DriftScenario(kind) { Onset = 0.3, Mode = DriftMode.Gradual, Ramp = ramp });

        var before = statistic(gradual[..onset]);
        var start = statistic(gradual[onset..(onset + (ramp / 10))]);
        var middle = statistic(gradual[(onset + (2 * ramp / 5))..(onset + (3 * ramp / 5))]);
        var full = statistic(gradual[(onset + ramp)..]);
        var suddenFull = statistic(sudden[(onset + ramp)..]);

        var span = full - before;
        Assert.Equal(onset, gradualOnset);
        Assert.True(Math.Abs(start - before) < 0.3 * Math.Abs(span), $"start of ramp {start:F3} already far from {before:F3}");
        Assert.InRange((middle - before) / span, 0.3, 0.7);
        Assert.True(Math.Abs(full - suddenFull) < 0.05 * Math.Abs(span), $"after the ramp {full:F3}, sudden {suddenFull:F3}");
    }

    private static (int Onset, List<DecisionEvent> Decisions) SupportRouter(DriftScenario scenario)
    {
        var simulator = new FleetSimulator(Fleet.With(scenario));
        return (simulator.Manifest.Scenarios[0].OnsetAgentIndex, Fleet.DecisionsOf(simulator.Generate(), "support-router"));
    }

    private static Func<IEnumerable<DecisionEvent>, double> StatisticOf(DriftKind kind) => kind switch
    {
        DriftKind.ConfidenceDrop => Fleet.MeanConfidence,
        DriftKind.LatencyCreep => Fleet.MedianLatency,
        _ => Fleet.MeanSentiment,
    };

    private static void AssertMoved(bool targeted, bool movedEnough, bool stayedPut, Shift shift) =>
        Assert.True(targeted ? movedEnough : stayedPut, $"{(targeted ? "targeted statistic did not move" : "untargeted statistic moved")}: {shift}");
}
