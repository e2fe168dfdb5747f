using DriftWatch.Core.Events;

namespace DriftWatch.Ml.Windows;

/// <summary>The numbers of one event that the window profile summarises; NaN where the event has none.</summary>
internal readonly record struct EventRow(string Outcome, double Confidence, double Sentiment, double[] Metrics, int ToolCalls, int ToolErrors)
{
    public static EventRow From(DecisionEvent decision, IReadOnlyList<string> metricKeys)
    {
        var metrics = new double[metricKeys.Count];
        for (int i = 0; i < metrics.Length; i++)
        {
            metrics[i] = decision.Metrics.TryGetValue(metricKeys[i], out double value) ? value : double.NaN;
        }

        int errors = 0;
        foreach (var call in decision.ToolCalls)
        {
            if (call.Status is not null && !string.Equals(call.Status, "ok", StringComparison.OrdinalIgnoreCase))
            {
                errors++;
            }
        }

        return new EventRow(
            decision.Outcome,
            decision.Confidence ?? double.NaN,
            decision.Sentiment ?? double.NaN,
            metrics,
            decision.ToolCalls.Count,
            errors);
    }
}
