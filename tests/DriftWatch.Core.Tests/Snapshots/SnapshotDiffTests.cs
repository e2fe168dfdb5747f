using DriftWatch.Core.Features;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Tests.Snapshots;

public sealed class SnapshotDiffTests
{
    private const int Events = 4_000;

    public static TheoryData<InjectedDrift, string> DriftKinds => new()
    {
        { InjectedDrift.MisroutingHighUrgency, "decision.outcome|input.features.urgency=high" },
        { InjectedDrift.SentimentCollapse, FeatureNames.Sentiment },
        { InjectedDrift.NewReplyVocabulary, FeatureNames.OutputText },
        { InjectedDrift.LatencyCreep, "metrics.latency_ms" },
        { InjectedDrift.ConfidenceDrop, FeatureNames.Confidence },
    };

    [Fact]
    public void Compute_IdenticalSnapshots_NoChange()
    {
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: Events));

        var diff = SnapshotDiff.Compute(snapshot, BehaviourSnapshot.FromJson(snapshot.ToJson()));

        Assert.False(diff.HasChanges);
        Assert.Equal(0, diff.DriftScore);
        Assert.NotEmpty(diff.Changes);
        Assert.All(diff.Changes, c => Assert.Equal(0, c.Distance, 12));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Compute_SameBehaviourDifferentSample_NoSignificantChange(int seed)
    {
        var baseline = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: Events));
        var candidate = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: seed, count: Events, start: DecisionEventGenerator.Start.AddHours(2)));

        var diff = SnapshotDiff.Compute(baseline, candidate);

        Assert.False(diff.HasChanges, string.Join("; ", diff.Significant.Select(static c => $"{c.Feature} d={c.Distance:0.000} p={c.PValue:G3}")));
    }

    [Theory]
    [MemberData(nameof(DriftKinds))]
    public void Compute_InjectedDrift_RanksInjectedFeatureFirst(InjectedDrift drift, string expectedFeature)
    {
        var baseline = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 10, count: Events));
        var drifted = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 20, count: Events, drift, DecisionEventGenerator.Start.AddHours(2)));

        var diff = SnapshotDiff.Compute(baseline, drifted);

        var top = diff.Changes[0];
        Assert.True(top.Significant, $"{top.Feature} not significant (d={top.Distance:0.000}, p={top.PValue:G3})");
        Assert.Equal(expectedFeature, top.Feature);
        Assert.Equal(top.Distance, diff.DriftScore);
    }

    [Fact]
    public void Compute_MisroutingHighUrgency_SummaryNamesEscalationShares()
    {
        var baseline = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 10, count: Events));
        var drifted = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 20, count: Events, InjectedDrift.MisroutingHighUrgency));
        var expectedBefore = baseline.OutcomeBySegment[new SegmentKey("urgency", "high")].Share("escalate");
        var expectedAfter = drifted.OutcomeBySegment[new SegmentKey("urgency", "high")].Share("escalate");

        var change = SnapshotDiff.Compute(baseline, drifted).Changes[0];

        Assert.Equal(new SegmentKey("urgency", "high"), change.Segment);
        Assert.Equal(FeatureNames.Outcome, change.BaseFeature);
        var escalate = Assert.Single(change.TopShifts, s => s.Value == "escalate");
        Assert.Equal(expectedBefore, escalate.Reference, 12);
        Assert.Equal(expectedAfter, escalate.Current, 12);
        Assert.Matches(@"^(escalate|general) \d+% -> \d+%$", change.Summary);
    }

    [Fact]
    public void Compute_NewReplyVocabulary_TopShiftsNameNewTerms()
    {
        var baseline = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 10, count: Events));
        var drifted = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 20, count: Events, InjectedDrift.NewReplyVocabulary));

        var change = SnapshotDiff.Compute(baseline, drifted).Changes.First(static c => c.Feature == FeatureNames.OutputText);

        Assert.Contains(change.TopShifts, s => s.Reference == 0 && s.Current > 10 && s.Value is "unfortunately" or "voucher" or "compensation" or "apologise");
    }

    [Fact]
    public void Compute_FeatureOnlyInCandidate_ReportedAsSignificant()
    {
        var events = SnapshotTestData.Events(seed: 10, count: 1_000);
        var baseline = SnapshotTestData.Snapshot(events);
        var candidate = SnapshotTestData.Snapshot(events.Select(static e => e with { Labels = new Dictionary<string, string>(e.Labels) { ["region"] = "eu" } }));

        var change = SnapshotDiff.Compute(baseline, candidate).Changes[0];

        Assert.Equal("labels.region", change.Feature);
        Assert.True(change.Significant);
        Assert.Equal(1, change.Distance);
    }

    [Fact]
    public void CompareEnvironments_StagingWithDrift_FindsItAgainstProduction()
    {
        var production = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 10, count: Events));
        var stagingEvents = new DecisionEventGenerator(30, InjectedDrift.ConfidenceDrop, "staging").Generate(Events, DecisionEventGenerator.Start, TimeSpan.FromSeconds(1));
        var staging = SnapshotTestData.Snapshot(stagingEvents, SnapshotTestData.Scope with { Environment = "staging" });

        var diff = SnapshotDiff.CompareEnvironments(production, staging);

        Assert.Equal(FeatureNames.Confidence, diff.Changes[0].Feature);
        Assert.True(diff.DriftScore > 0.5);
    }

    [Fact]
    public void CompareEnvironments_DifferentAgents_Throws()
    {
        var a = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 10, count: 100));
        var b = SnapshotTestData.Snapshot(
            SnapshotTestData.Events(seed: 10, count: 100).Select(static e => e with { AgentId = "billing-bot" }),
            SnapshotTestData.Scope with { AgentId = "billing-bot" });

        Assert.Throws<ArgumentException>(() => SnapshotDiff.CompareEnvironments(a, b));
    }
}
