namespace DriftWatch.Evaluation;

/// <summary>How one detector did on one run.</summary>
/// <param name="Detected">An alert on the drifting agent at or after the onset; null for a run without drift.</param>
/// <param name="DelayEvents">The drifting agent's decisions from the onset to the first such alert (0: the onset decision itself).</param>
/// <param name="FirstAlertFeature">The feature the first such alert names.</param>
/// <param name="FeatureCorrect">Whether that feature is the drifted one.</param>
/// <param name="FalseAlarms">Alerts on agents without drift, and on the drifting agent before its onset.</param>
/// <param name="QuietEvents">Monitored decisions without drift: past each agent's reference, before any onset.</param>
/// <param name="FalseAlarmsByFeature">The false-alarm count per feature and detector ("feature (detector)").</param>
/// <param name="FalseAlarmAlerts">The false alarms themselves (at most <see cref="RunScorer.MaxListedFalseAlarms"/>).</param>
internal sealed record RunScore(
    bool? Detected,
    int? DelayEvents,
    string? FirstAlertFeature,
    bool? FeatureCorrect,
    int FalseAlarms,
    long QuietEvents,
    IReadOnlyDictionary<string, int> FalseAlarmsByFeature,
    IReadOnlyList<AlertRecord> FalseAlarmAlerts);
