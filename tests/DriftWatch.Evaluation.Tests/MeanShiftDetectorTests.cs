using DriftWatch.Core.Events;
using DriftWatch.Core.Features;
using DriftWatch.Evaluation;

namespace DriftWatch.Evaluation.Tests;

public class MeanShiftDetectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    // Alternating values give an exactly known reference: mean `centre`, standard deviation 0.1.
    private static DecisionEvent Decision(int i, double centre, string outcome) => new()
    {
        EventId = "e" + i,
        AgentId = "agent",
        Timestamp = Start.AddSeconds(i),
        DecisionName = "route",
        Outcome = outcome,
        Confidence = centre + (i % 2 == 0 ? 0.1 : -0.1),
    };

    private static List<(int Index, string Feature)> Feed(MeanShiftDetector detector, int from, int count, double centre, Func<int, string> outcome)
    {
        var alerts = new List<(int, string)>();
        for (var i = from; i < from + count; i++)
        {
            foreach (var feature in detector.Observe(Decision(i, centre, outcome(i))))
            {
                alerts.Add((i, feature));
            }
        }

        return alerts;
    }

    [Fact]
    public void Observe_MeanShiftOfManyStandardErrors_AlertsOnceAtWindowClose()
    {
        var detector = new MeanShiftDetector();
        Assert.Empty(Feed(detector, 0, MeanShiftDetector.ReferenceSize, 0.8, i => i % 4 == 0 ? "b" : "a"));
        Assert.Empty(Feed(detector, 2000, 250, 0.8, i => i % 4 == 0 ? "b" : "a"));

        // Mean 0.7 against 0.8 with sd 0.1 over 250 values: about 16 standard errors. The episode holds while it lasts.
        var alerts = Feed(detector, 2250, 1000, 0.7, i => i % 4 == 0 ? "b" : "a");

        Assert.Equal([(2499, FeatureNames.Confidence)], alerts);
    }

    [Fact]
    public void Observe_ShiftWithinThreeStandardErrors_NoAlert()
    {
        var detector = new MeanShiftDetector();
        Feed(detector, 0, MeanShiftDetector.ReferenceSize, 0.8, _ => "a");

        // 0.015 / (0.1 / sqrt(250)) = 2.4 standard errors.
        Assert.Empty(Feed(detector, 2000, 1000, 0.785, _ => "a"));
    }

    [Fact]
    public void Observe_OutcomeShareMoves_AlertsUnderOutcomeFeature()
    {
        var detector = new MeanShiftDetector();
        Feed(detector, 0, MeanShiftDetector.ReferenceSize, 0.8, i => i % 4 == 0 ? "b" : "a");

        // Share of "b" from 25% to 50%.
        var alerts = Feed(detector, 2000, 250, 0.8, i => i % 2 == 0 ? "b" : "a");

        Assert.Equal([(2249, FeatureNames.Outcome)], alerts);
    }
}
