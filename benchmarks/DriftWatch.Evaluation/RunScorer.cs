namespace DriftWatch.Evaluation;

/// <summary>Scores one detector's alerts on one run against the run's ground truth.</summary>
internal static class RunScorer
{
    /// <summary>False alarms kept per run for the raw results; the count is always exact.</summary>
    internal const int MaxListedFalseAlarms = 20;

    /// <param name="truth">The injected drift, or null for a quiet fleet.</param>
    /// <param name="agentDecisions">Decision events per agent in the run.</param>
    /// <param name="alerts">The detector's alerts in the order they fired.</param>
    /// <param name="referenceSize">
    /// Decisions per agent that form the reference, during which no detector can alert; they are left out of
    /// the quiet events so the false-alarm rate is per monitored event.
    /// </param>
    internal static RunScore Score(
        ScenarioTruth? truth,
        IReadOnlyDictionary<string, int> agentDecisions,
        IReadOnlyList<AlertRecord> alerts,
        int referenceSize)
    {
        ArgumentNullException.ThrowIfNull(agentDecisions);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentOutOfRangeException.ThrowIfNegative(referenceSize);

        long quiet = 0;
        foreach (var (agent, decisions) in agentDecisions)
        {
            var quietEnd = truth is not null && agent == truth.AgentId ? Math.Min(truth.OnsetAgentIndex, decisions) : decisions;
            quiet += Math.Max(0, quietEnd - referenceSize);
        }

        var falseAlarms = new List<AlertRecord>();
        var falseAlarmCount = 0;
        var byFeature = new SortedDictionary<string, int>(StringComparer.Ordinal);
        AlertRecord? first = null;
        foreach (var alert in alerts)
        {
            var onDrift = truth is not null && alert.AgentId == truth.AgentId && alert.AgentIndex >= truth.OnsetAgentIndex;
            if (onDrift)
            {
                first ??= alert;
                continue;
            }

            falseAlarmCount++;
            var label = $"{alert.Feature} ({alert.Detector})";
            byFeature[label] = byFeature.GetValueOrDefault(label) + 1;
            if (falseAlarms.Count < MaxListedFalseAlarms)
            {
                falseAlarms.Add(alert);
            }
        }

        if (truth is null)
        {
            return new RunScore(null, null, null, null, falseAlarmCount, quiet, byFeature, falseAlarms);
        }

        return new RunScore(
            Detected: first is not null,
            DelayEvents: first is null ? null : first.AgentIndex - truth.OnsetAgentIndex,
            FirstAlertFeature: first?.Feature,
            FeatureCorrect: first is null ? null : first.Feature == truth.ExpectedFeature,
            FalseAlarms: falseAlarmCount,
            QuietEvents: quiet,
            FalseAlarmsByFeature: byFeature,
            FalseAlarmAlerts: falseAlarms);
    }
}
