using DriftWatch.Evaluation;

namespace DriftWatch.Evaluation.Tests;

public class TargetCheckTests
{
    private static readonly Dictionary<string, int> NoAlarms = [];

    private static CaseResult Run(string group, string mode, bool detected, int? delay, bool? featureCorrect, int falseAlarms, long quiet)
    {
        var score = new RunScore(detected, delay, null, featureCorrect, falseAlarms, quiet, NoAlarms, []);
        return new CaseResult(group, 1, $"latency-creep:onset=0.5,mode={mode},ramp=2000,agent=a", "a", 4000, "metrics.latency_ms", 0, 0, NoAlarms, score, score, 0);
    }

    private static CaseResult Quiet(int falseAlarms, long quiet, string group = EvaluationCase.QuietGroup)
    {
        var score = new RunScore(null, null, null, null, falseAlarms, quiet, NoAlarms, []);
        return new CaseResult(group, 1, null, null, null, null, 0, 0, NoAlarms, score, score, 0);
    }

    [Fact]
    public void Of_OneSparseQuietFleetAboveTargetWhileAllQuietBelow_FalseAlarmTargetFails()
    {
        CaseResult[] results =
        [
            Quiet(0, 1_000_000),
            Quiet(1, 50_000, EvaluationCase.SparseQuietGroup),
            Quiet(0, 300_000, EvaluationCase.SparseQuietGroup),
        ];

        var check = TargetCheck.Of(results, r => r.DriftWatch);

        Assert.True(check.AllQuiet.FalseAlarmsPer10k <= TargetCheck.MaxFalseAlarmsPer10k);
        Assert.Equal(0.2, check.WorstQuietFleetPer10k, 12);
        Assert.False(check.FalseAlarmsMet);
    }

    [Fact]
    public void Of_OneSuddenKindSlowAndAMiss_DelayAndRecallTargetsFail()
    {
        CaseResult[] results =
        [
            Run("fast (sudden)", "sudden", true, 200, true, 0, 10_000),
            Run("fast (sudden)", "sudden", true, 300, true, 0, 10_000),
            Run("slow (sudden)", "sudden", true, 600, true, 0, 10_000),
            Run("slow (sudden)", "sudden", true, 700, false, 0, 10_000),
            Run("slow (gradual)", "gradual", false, null, null, 0, 10_000),
            Quiet(0, 100_000),
        ];

        var check = TargetCheck.Of(results, r => r.DriftWatch);

        Assert.Equal(5, check.Drifts);
        Assert.Equal(4, check.Detected);
        Assert.False(check.AllDetected);
        Assert.Equal(650, check.WorstSuddenMedianDelay);
        Assert.Equal(450, check.SuddenMedianDelay);
        Assert.False(check.DelayMet);
        Assert.Equal(3, check.FeatureCorrect);
        Assert.False(check.FeatureMet);
        Assert.True(check.FalseAlarmsMet);
    }

    [Fact]
    public void Of_FalseAlarmsOnlyInQuietFleetAboveTarget_FalseAlarmTargetFails()
    {
        CaseResult[] results =
        [
            Run("k (sudden)", "sudden", true, 100, true, 0, 1_000_000),
            Quiet(2, 100_000),
        ];

        var check = TargetCheck.Of(results, r => r.DriftWatch);

        Assert.True(check.DelayMet);
        Assert.Equal(0.2, check.QuietFleet.FalseAlarmsPer10k, 12);
        Assert.True(check.AllQuiet.FalseAlarmsPer10k <= TargetCheck.MaxFalseAlarmsPer10k);
        Assert.False(check.FalseAlarmsMet);
    }
}
