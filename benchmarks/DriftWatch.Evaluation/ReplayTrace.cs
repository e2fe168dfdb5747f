namespace DriftWatch.Evaluation;

/// <summary>What replaying one file produced: decisions per agent and each detector's alerts, in firing order.</summary>
internal sealed record ReplayTrace(
    long Lines,
    long BadLines,
    IReadOnlyDictionary<string, int> AgentDecisions,
    IReadOnlyList<AlertRecord> DriftMonitorAlerts,
    IReadOnlyList<AlertRecord> BaselineAlerts,
    IReadOnlyList<IncidentRecord> Incidents);
