namespace DriftWatch.Evaluation;

/// <summary>One detector's figures over the runs of one scenario group (a drift kind and mode, or the quiet fleet).</summary>
internal sealed record GroupSummary(
    int Runs,
    int Detected,
    double? Recall,
    double? MedianDelayEvents,
    int? MaxDelayEvents,
    int FeatureCorrect,
    int FalseAlarms,
    long QuietEvents)
{
    /// <summary>False-alarm episodes per 10,000 quiet (monitored, undrifted) events.</summary>
    public double FalseAlarmsPer10k => QuietEvents == 0 ? 0 : FalseAlarms * 10_000.0 / QuietEvents;

    /// <summary>Aggregates run scores; drift figures stay null when no run carried a drift.</summary>
    internal static GroupSummary Of(IReadOnlyCollection<RunScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var drifted = scores.Where(s => s.Detected is not null).ToList();
        var delays = drifted.Where(s => s.DelayEvents is not null).Select(s => s.DelayEvents!.Value).ToList();
        return new GroupSummary(
            Runs: scores.Count,
            Detected: drifted.Count(s => s.Detected == true),
            Recall: drifted.Count == 0 ? null : drifted.Count(s => s.Detected == true) / (double)drifted.Count,
            MedianDelayEvents: Median(delays),
            MaxDelayEvents: delays.Count == 0 ? null : delays.Max(),
            FeatureCorrect: drifted.Count(s => s.FeatureCorrect == true),
            FalseAlarms: scores.Sum(s => s.FalseAlarms),
            QuietEvents: scores.Sum(s => s.QuietEvents));
    }

    /// <summary>The middle value, or the mean of the two middle values; null for no values.</summary>
    internal static double? Median(IReadOnlyList<int> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
