using DriftWatch.Evaluation;

namespace DriftWatch.Evaluation.Tests;

public class GroupSummaryTests
{
    private static RunScore Drift(bool detected, int? delay, bool? featureCorrect, int falseAlarms, long quiet) =>
        new(detected, delay, null, featureCorrect, falseAlarms, quiet, new Dictionary<string, int>(), []);

    [Fact]
    public void Of_MixedRuns_RecallMedianDelayAndFalseAlarmRate()
    {
        RunScore[] runs =
        [
            Drift(true, 249, true, 0, 20_000),
            Drift(true, 999, false, 1, 20_000),
            Drift(false, null, null, 2, 20_000),
            Drift(true, 499, true, 0, 20_000),
        ];

        var summary = GroupSummary.Of(runs);

        Assert.Equal(4, summary.Runs);
        Assert.Equal(3, summary.Detected);
        Assert.Equal(0.75, summary.Recall);
        Assert.Equal(499, summary.MedianDelayEvents);
        Assert.Equal(999, summary.MaxDelayEvents);
        Assert.Equal(2, summary.FeatureCorrect);
        Assert.Equal(3, summary.FalseAlarms);
        Assert.Equal(3 * 10_000.0 / 80_000, summary.FalseAlarmsPer10k, 12);
    }

    [Fact]
    public void Of_QuietRunsOnly_NoRecallOrDelay()
    {
        var quiet = new RunScore(null, null, null, null, 1, 200_000, new Dictionary<string, int>(), []);

        var summary = GroupSummary.Of([quiet]);

        Assert.Null(summary.Recall);
        Assert.Null(summary.MedianDelayEvents);
        Assert.Equal(0.05, summary.FalseAlarmsPer10k, 12);
    }

    [Theory]
    [InlineData(new[] { 7 }, 7.0)]
    [InlineData(new[] { 500, 100, 300 }, 300.0)]
    [InlineData(new[] { 400, 100, 300, 200 }, 250.0)]
    public void Median_Values_MiddleOrMeanOfMiddleTwo(int[] values, double expected)
    {
        Assert.Equal(expected, GroupSummary.Median(values));
    }

    [Fact]
    public void Median_NoValues_Null()
    {
        Assert.Null(GroupSummary.Median([]));
    }
}
