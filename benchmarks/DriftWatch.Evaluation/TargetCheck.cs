using DriftWatch.Simulation;

namespace DriftWatch.Evaluation;

/// <summary>The product's detection targets, checked on one detector's results.</summary>
internal sealed record TargetCheck(
    int Drifts,
    int Detected,
    double? WorstSuddenMedianDelay,
    double? SuddenMedianDelay,
    int FeatureCorrect,
    GroupSummary QuietFleet,
    GroupSummary AllQuiet,
    double WorstQuietFleetPer10k)
{
    internal const double MaxSuddenMedianDelay = 150;
    internal const double MaxFalseAlarmsPer10k = 0.1;

    internal bool AllDetected => Detected == Drifts;

    /// <summary>Every sudden drift kind's median delay is within the limit (a kind never detected fails).</summary>
    internal bool DelayMet { get; init; }

    /// <summary>Every quiet fleet on its own, and all undrifted events together, within the false-alarm target.</summary>
    internal bool FalseAlarmsMet => WorstQuietFleetPer10k <= MaxFalseAlarmsPer10k && AllQuiet.FalseAlarmsPer10k <= MaxFalseAlarmsPer10k;

    internal bool FeatureMet => FeatureCorrect == Drifts;

    /// <summary>Checks the targets over all cases, using <paramref name="select"/> to pick the detector's score.</summary>
    internal static TargetCheck Of(IReadOnlyList<CaseResult> results, Func<CaseResult, RunScore> select)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(select);
        var drifted = results.Where(r => r.DriftAgent is not null).ToList();
        var sudden = drifted.Where(IsSudden).ToList();
        var suddenGroups = sudden.GroupBy(r => r.Group).Select(g => GroupSummary.Of(g.Select(select).ToList())).ToList();
        var suddenDelays = sudden.Select(select).Where(s => s.DelayEvents is not null).Select(s => s.DelayEvents!.Value).ToList();
        return new TargetCheck(
            Drifts: drifted.Count,
            Detected: drifted.Count(r => select(r).Detected == true),
            WorstSuddenMedianDelay: suddenGroups.Count == 0 || suddenGroups.Any(g => g.MedianDelayEvents is null) ? null : suddenGroups.Max(g => g.MedianDelayEvents),
            SuddenMedianDelay: GroupSummary.Median(suddenDelays),
            FeatureCorrect: drifted.Count(r => select(r).FeatureCorrect == true),
            QuietFleet: GroupSummary.Of(results.Where(r => EvaluationCase.IsQuiet(r.Group)).Select(select).ToList()),
            AllQuiet: GroupSummary.Of(results.Select(select).ToList()),
            WorstQuietFleetPer10k: results.Where(r => EvaluationCase.IsQuiet(r.Group)).Select(r => GroupSummary.Of([select(r)]).FalseAlarmsPer10k).DefaultIfEmpty(0).Max())
        {
            DelayMet = suddenGroups.Count > 0 && suddenGroups.All(g => g.MedianDelayEvents is { } d && d <= MaxSuddenMedianDelay),
        };
    }

    internal static bool IsSudden(CaseResult result) =>
        result.Spec is { } spec && DriftScenario.Parse(spec).Mode == DriftMode.Sudden;
}
