using DriftWatch.Core.Features;
using DriftWatch.Core.Incidents;

namespace DriftWatch.Core.Tests.Incidents;

public sealed class RootSegmentAnalyzerTests
{
    // Independent input features: urgency has three values, category four, channel two.
    private static readonly Dictionary<string, double> Share = new(StringComparer.Ordinal)
    {
        ["urgency"] = 1.0 / 3, ["category"] = 1.0 / 4, ["channel"] = 1.0 / 2,
    };

    [Fact]
    public void Analyze_OneSegmentMovedAndMixedIntoOthers_NamesRootAndListsTheOthersAsExplained()
    {
        var high = Delta(("escalations", -0.5), ("general", 0.5));
        var moves = new List<SegmentMove> { Move("urgency", "high", high) };
        foreach (var (key, value) in new[] { ("category", "invoice"), ("category", "outage"), ("category", "account"), ("category", "feature"), ("channel", "email"), ("channel", "chat") })
        {
            // Each other segment holds a third of urgency=high, plus a little sampling noise.
            moves.Add(Move(key, value, Delta(("escalations", (-0.5 / 3) + 0.01), ("general", (0.5 / 3) - 0.02), ("billing", 0.01))));
        }

        moves.Add(new SegmentMove(FeatureId.Outcome, Delta(("escalations", -0.5 / 3), ("general", 0.5 / 3))));

        var roots = RootSegmentAnalyzer.Analyze(moves, new MarginalMixture(Independent));

        var root = Assert.Single(roots);
        Assert.Equal("urgency=high", root.Segment);
        Assert.Equal(7, root.Explains.Count);
        Assert.Contains(FeatureId.Outcome, root.Explains);
        Assert.Equal("urgency=high explains 7 other moved segments", root.Sentence);
    }

    [Fact]
    public void Analyze_TwoIndependentRoots_NamesBothAndSplitsTheExplainedSegments()
    {
        var high = Delta(("escalations", -0.6), ("general", 0.6));
        var chat = Delta(("self-service", -0.4), ("billing", 0.4));
        var moves = new List<SegmentMove>
        {
            Move("urgency", "high", high),
            Move("channel", "chat", chat),
        };
        foreach (string category in new[] { "invoice", "outage", "account", "feature" })
        {
            // Half of each category's move comes from each root, so neither root alone explains it.
            moves.Add(Move("category", category, Delta(("escalations", -0.6 / 3), ("general", 0.6 / 3), ("self-service", -0.4 / 2), ("billing", 0.4 / 2), ("other", 0.04))));
        }

        var roots = RootSegmentAnalyzer.Analyze(moves, new MarginalMixture(Independent));

        Assert.Equal(2, roots.Count);
        Assert.Equal(["channel=chat", "urgency=high"], roots.Select(r => r.Segment).Order(StringComparer.Ordinal));
        Assert.Equal(4, roots.Sum(r => r.Explains.Count));
        Assert.DoesNotContain(roots, r => r.Explains.Any(e => e.Family == FeatureFamily.ConditionalOutcome && (e.Key == "urgency" || e.Key == "channel")));
    }

    [Fact]
    public void Analyze_TwoValuesOfOneKeyMoved_NeitherExplainsTheOther()
    {
        var moves = new List<SegmentMove>
        {
            Move("urgency", "high", Delta(("escalations", -0.5), ("general", 0.5))),
            Move("urgency", "low", Delta(("escalations", -0.2), ("general", 0.2))),
        };

        var roots = RootSegmentAnalyzer.Analyze(moves, new MarginalMixture(Independent));

        Assert.Equal(2, roots.Count);
        Assert.All(roots, r => Assert.Empty(r.Explains));
        Assert.Equal("urgency=high", roots[0].Segment);
    }

    [Fact]
    public void Analyze_SegmentMovedInOtherOutcomes_IsNotExplainedByTheLargerRoot()
    {
        var moves = new List<SegmentMove>
        {
            Move("urgency", "high", Delta(("escalations", -0.5), ("general", 0.5))),
            Move("category", "invoice", Delta(("billing", -0.3), ("general", 0.3))),
        };

        var roots = RootSegmentAnalyzer.Analyze(moves, new MarginalMixture(Independent));

        Assert.Equal(2, roots.Count);
        Assert.All(roots, r => Assert.Empty(r.Explains));
    }

    [Fact]
    public void Analyze_OnlyTheOverallOutcomeMoved_FindsNoRoot()
    {
        var roots = RootSegmentAnalyzer.Analyze([new SegmentMove(FeatureId.Outcome, Delta(("general", 0.2), ("billing", -0.2)))], new MarginalMixture(Independent));

        Assert.Empty(roots);
    }

    private static double Independent(FeatureId a, FeatureId b) => Share[a.Key!];

    private static SegmentMove Move(string key, string value, Dictionary<string, double> delta) =>
        new(FeatureId.ConditionalOutcome(key, value), delta);

    private static Dictionary<string, double> Delta(params (string Value, double Delta)[] moves) =>
        moves.ToDictionary(m => m.Value, m => m.Delta, StringComparer.Ordinal);
}
