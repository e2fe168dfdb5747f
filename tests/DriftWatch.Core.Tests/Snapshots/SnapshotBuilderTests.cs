using DriftWatch.Core.Events;
using DriftWatch.Core.Features;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Tests.Snapshots;

public sealed class SnapshotBuilderTests
{
    [Fact]
    public void Build_SameEventsTwice_SameId()
    {
        var first = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 3_000));
        var second = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 3_000));

        Assert.Equal(first.Id, second.Id);
        Assert.Matches("^sha256:[0-9a-f]{64}$", first.Id);
    }

    [Fact]
    public void Build_OneEventDifferent_DifferentId()
    {
        var events = SnapshotTestData.Events(seed: 1, count: 3_000);
        var changed = events.ToList();
        changed[1_500] = changed[1_500] with { Outcome = "escalate-to-legal" };

        Assert.NotEqual(SnapshotTestData.Snapshot(events).Id, SnapshotTestData.Snapshot(changed).Id);
    }

    [Fact]
    public void Merge_TwoHalves_CountsExactAndQuantilesWithinBound()
    {
        var events = SnapshotTestData.Events(seed: 2, count: 10_000);
        var whole = SnapshotTestData.Snapshot(events);
        var merged = BehaviourSnapshot.Merge(
            SnapshotTestData.Snapshot(events.Take(6_789)),
            SnapshotTestData.Snapshot(events.Skip(6_789)));

        Assert.Equal(whole.EventCount, merged.EventCount);
        Assert.Equal(whole.From, merged.From);
        Assert.Equal(whole.To, merged.To);
        Assert.Equal(whole.AgentVersions.Counts, merged.AgentVersions.Counts);
        Assert.Equal(whole.StateVersions.Counts, merged.StateVersions.Counts);
        Assert.Equal(whole.Categorical.Keys, merged.Categorical.Keys);
        foreach (var (feature, counts) in whole.Categorical)
        {
            Assert.Equal(counts.Counts, merged.Categorical[feature].Counts);
        }

        Assert.Equal(whole.OutcomeBySegment.Keys, merged.OutcomeBySegment.Keys);
        foreach (var (segment, counts) in whole.OutcomeBySegment)
        {
            Assert.Equal(counts.Counts, merged.OutcomeBySegment[segment].Counts);
        }

        foreach (var (feature, profile) in whole.Text)
        {
            Assert.Equal(profile.BucketCounts, merged.Text[feature].BucketCounts);
            Assert.Equal(profile.Tokens, merged.Text[feature].Tokens);
        }

        Assert.Equal(whole.Numeric.Keys, merged.Numeric.Keys);
        foreach (var (feature, summary) in whole.Numeric)
        {
            var exact = NumericValues(events, feature);
            Assert.Equal(summary.Count, merged.Numeric[feature].Count);
            Assert.Equal(exact.Min(), merged.Numeric[feature].Min);
            Assert.Equal(exact.Max(), merged.Numeric[feature].Max);
            foreach (var q in new[] { 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99 })
            {
                // Tied values occupy a range of ranks; the estimate is right if q falls in that range, give or take the bound.
                var estimate = merged.Numeric[feature].Quantile(q);
                var below = exact.Count(v => v < estimate) / (double)exact.Length;
                var atOrBelow = exact.Count(v => v <= estimate) / (double)exact.Length;
                var error = q < below ? below - q : q > atOrBelow ? q - atOrBelow : 0;
                Assert.True(error <= summary.RankErrorBound + 1.0 / exact.Length, $"{feature} q={q}: ranks {below}..{atOrBelow}");
            }
        }
    }

    [Fact]
    public void Merge_TopTerms_WithinMisraGriesBound()
    {
        var events = SnapshotTestData.Events(seed: 4, count: 6_000);
        var merged = BehaviourSnapshot.Merge(SnapshotTestData.Snapshot(events.Take(2_000)), SnapshotTestData.Snapshot(events.Skip(2_000)));
        var profile = merged.Text[FeatureNames.OutputText];
        var exact = events.SelectMany(static e => e.OutputText!.Split(' ')).GroupBy(static w => w).ToDictionary(static g => g.Key, static g => (long)g.Count());
        var slack = profile.Tokens / (merged.Options.TopTerms + 1);

        foreach (var (term, count) in profile.TopTerms)
        {
            Assert.InRange(exact[term] - count, 0, slack);
        }

        Assert.All(exact.Where(kv => kv.Value > slack), kv => Assert.Contains(kv.Key, profile.TopTerms.Keys));
    }

    [Fact]
    public void Merge_DifferentScopes_Throws()
    {
        var production = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 100));
        var stagingEvents = new DecisionEventGenerator(1, environment: "staging").Generate(100, DecisionEventGenerator.Start, TimeSpan.FromSeconds(1));
        var staging = SnapshotTestData.Snapshot(stagingEvents, SnapshotTestData.Scope with { Environment = "staging" });

        Assert.Throws<ArgumentException>(() => BehaviourSnapshot.Merge(production, staging));
    }

    [Fact]
    public void Json_RoundTrip_SameIdAndContent()
    {
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 3, count: 5_000));

        var restored = BehaviourSnapshot.FromJson(snapshot.ToJson());

        Assert.Equal(snapshot.Id, restored.Id);
        Assert.Equal(snapshot.ToUtf8Json(), restored.ToUtf8Json());
        Assert.Equal(snapshot.Numeric[FeatureNames.Confidence].Quantile(0.5), restored.Numeric[FeatureNames.Confidence].Quantile(0.5));
    }

    [Fact]
    public void FromJson_ContentTampered_ThrowsFormatException()
    {
        var json = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 3, count: 500)).ToJson();
        var tampered = json.Replace("\"event_count\":500", "\"event_count\":501", StringComparison.Ordinal);

        Assert.NotEqual(json, tampered);
        Assert.Throws<FormatException>(() => BehaviourSnapshot.FromJson(tampered));
    }

    [Fact]
    public void Build_ContractFeatures_AllPresent()
    {
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 5, count: 2_000));

        Assert.Equal(
            new[] { "decision.outcome", "input.features.category", "input.features.channel", "input.features.urgency", "labels.model", "labels.prompt_version", "tool_calls.name", "tool_calls.status" },
            snapshot.Categorical.Keys);
        Assert.Equal(new[] { "decision.confidence", "metrics.latency_ms", "metrics.tokens_in", "metrics.tokens_out", "output.sentiment" }, snapshot.Numeric.Keys);
        Assert.Equal(new[] { "input.text", "output.text" }, snapshot.Text.Keys);
        Assert.Contains(new SegmentKey("urgency", "high"), snapshot.OutcomeBySegment.Keys);
        Assert.Equal(2_000, snapshot.EventCount);
        Assert.Equal(DecisionEventGenerator.Start, snapshot.From);
        Assert.Equal(2_000, snapshot.AgentVersions["2026.02.1"]);
        Assert.True(snapshot.StateVersions.Counts.Count >= 2);
    }

    [Fact]
    public void Build_HighCardinalityFeature_CappedWithOtherBucket()
    {
        var options = new SnapshotOptions { MaxCategoriesPerFeature = 10, MaxSegmentsPerFeature = 5 };
        var events = SnapshotTestData.Events(seed: 6, count: 5_000)
            .Select((e, i) => e with { InputFeatures = new Dictionary<string, string>(e.InputFeatures) { ["customer"] = $"c{i % 700}" } });

        var snapshot = SnapshotTestData.Snapshot(events, options: options);

        var customers = snapshot.Categorical["input.features.customer"];
        Assert.Equal(10, customers.Counts.Count);
        Assert.Equal(5_000, customers.Total);
        Assert.True(customers[CategoryCounts.OtherKey] > 0);
        Assert.Equal(5, snapshot.OutcomeBySegment.Keys.Count(static k => k.InputFeature == "customer"));
        Assert.Equal(5_000, snapshot.OutcomeBySegment.Where(static kv => kv.Key.InputFeature == "customer").Sum(static kv => kv.Value.Total));
    }

    [Fact]
    public void Build_TenTimesMoreEvents_SizeStaysBounded()
    {
        var small = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 8, count: 4_000)).ToUtf8Json().Length;
        var large = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 8, count: 40_000)).ToUtf8Json().Length;

        Assert.True(large < 96 * 1024, $"40k events gave {large} bytes");
        Assert.True(large < 1.5 * small, $"4k events: {small} bytes, 40k events: {large} bytes");
    }

    [Fact]
    public void Build_NoEvents_EmptySnapshotRoundTripsAndDiffsAsUnchanged()
    {
        var empty = new SnapshotBuilder(SnapshotTestData.Scope).Build();

        var restored = BehaviourSnapshot.FromJson(empty.ToJson());
        var diff = SnapshotDiff.Compute(empty, restored);

        Assert.Equal(0, empty.EventCount);
        Assert.Null(empty.From);
        Assert.Equal(empty.Id, restored.Id);
        Assert.Empty(diff.Changes);
        Assert.False(diff.HasChanges);
        Assert.Equal(empty.Id, BehaviourSnapshot.Merge(empty, restored).Id);
    }

    [Fact]
    public void Merge_WithEmpty_SameIdAsOriginal()
    {
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 9, count: 2_000));
        var empty = new SnapshotBuilder(SnapshotTestData.Scope).Build();

        Assert.Equal(snapshot.Id, BehaviourSnapshot.Merge(snapshot, empty).Id);
    }

    [Fact]
    public void Add_EventOfAnotherAgent_ThrowsAndTryAddRefuses()
    {
        var builder = new SnapshotBuilder(SnapshotTestData.Scope);
        var other = SnapshotTestData.Events(seed: 1, count: 1)[0] with { AgentId = "billing-bot" };

        Assert.Throws<ArgumentException>(() => builder.Add(other));
        Assert.False(builder.TryAdd(other));
        Assert.Equal(0, builder.Count);
    }

    [Fact]
    public void Options_InvalidSetting_ErrorNamesSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => new SnapshotBuilder(SnapshotTestData.Scope, new SnapshotOptions { TextBuckets = 3 }));

        Assert.Contains(nameof(SnapshotOptions.TextBuckets), error.Message, StringComparison.Ordinal);
    }

    private static double[] NumericValues(IEnumerable<DecisionEvent> events, string feature) => feature switch
    {
        FeatureNames.Confidence => events.Select(static e => e.Confidence!.Value).ToArray(),
        FeatureNames.Sentiment => events.Select(static e => e.Sentiment!.Value).ToArray(),
        _ => events.Select(e => e.Metrics[feature[FeaturePrefixes.Metric.Length..]]).ToArray(),
    };
}
