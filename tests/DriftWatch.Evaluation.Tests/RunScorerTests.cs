using DriftWatch.Evaluation;

namespace DriftWatch.Evaluation.Tests;

public class RunScorerTests
{
    private static readonly Dictionary<string, int> Decisions = new() { ["a"] = 6000, ["b"] = 5000 };

    [Fact]
    public void Score_AlertsBeforeAndAfterOnset_DelayCountsAgentEventsAndEarlierAlertsAreFalseAlarms()
    {
        var truth = new ScenarioTruth("a", 3000, "decision.confidence");
        AlertRecord[] alerts =
        [
            new("a", "output.text", "chi2", 2500),
            new("b", "input.text", "chi2", 2600),
            new("a", "decision.confidence", "ks", 3249),
            new("a", "metrics.latency_ms", "ks", 3499),
            new("b", "input.text", "cusum", 4000),
        ];

        var score = RunScorer.Score(truth, Decisions, alerts, referenceSize: 2000);

        Assert.True(score.Detected);
        Assert.Equal(249, score.DelayEvents);
        Assert.Equal("decision.confidence", score.FirstAlertFeature);
        Assert.True(score.FeatureCorrect);
        Assert.Equal(3, score.FalseAlarms);
        Assert.Equal(2, score.FalseAlarmsByFeature["input.text (chi2)"] + score.FalseAlarmsByFeature["input.text (cusum)"]);
        Assert.Equal(1, score.FalseAlarmsByFeature["output.text (chi2)"]);

        // Agent a is quiet from its reference's end (2000) to the onset (3000); b from 2000 to its end (5000).
        Assert.Equal(1000 + 3000, score.QuietEvents);
    }

    [Fact]
    public void Score_AlertOnOnsetDecision_ZeroDelay()
    {
        var truth = new ScenarioTruth("a", 3000, "output.text");

        var score = RunScorer.Score(truth, Decisions, [new AlertRecord("a", "output.sentiment", "ks", 3000)], referenceSize: 2000);

        Assert.True(score.Detected);
        Assert.Equal(0, score.DelayEvents);
        Assert.False(score.FeatureCorrect);
        Assert.Equal(0, score.FalseAlarms);
    }

    [Fact]
    public void Score_NoAlertOnDriftingAgentAfterOnset_NotDetected()
    {
        var truth = new ScenarioTruth("a", 3000, "output.text");
        AlertRecord[] alerts = [new("a", "output.text", "chi2", 2999), new("b", "output.text", "chi2", 4500)];

        var score = RunScorer.Score(truth, Decisions, alerts, referenceSize: 2000);

        Assert.False(score.Detected);
        Assert.Null(score.DelayEvents);
        Assert.Null(score.FeatureCorrect);
        Assert.Equal(2, score.FalseAlarms);
    }

    [Fact]
    public void Score_QuietFleet_EveryAlertIsAFalseAlarmAndDetectionIsUndefined()
    {
        AlertRecord[] alerts = [new("a", "input.text", "chi2", 5000)];

        var score = RunScorer.Score(null, Decisions, alerts, referenceSize: 2000);

        Assert.Null(score.Detected);
        Assert.Equal(1, score.FalseAlarms);
        Assert.Equal(4000 + 3000, score.QuietEvents);
    }

    [Fact]
    public void Score_OnsetInsideReference_NoQuietEventsCountedForDriftingAgent()
    {
        var truth = new ScenarioTruth("a", 1500, "output.text");

        var score = RunScorer.Score(truth, Decisions, [], referenceSize: 2000);

        Assert.Equal(3000, score.QuietEvents);
    }
}
