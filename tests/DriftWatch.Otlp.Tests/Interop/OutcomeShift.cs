using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Otlp.Tests.Interop;

/// <summary>
/// The behaviour the interop agents show, and the check that its change was alerted: before the shift, urgent
/// tickets are mostly escalated; after it, mostly sent to billing (the demo's misrouting drift).
/// </summary>
internal static class OutcomeShift
{
    public const int Before = 500;
    public const int After = 300;

    public static string Urgency(int i) => i % 3 == 0 ? "high" : "low";

    /// <summary>Deterministic outcome of ticket <paramref name="i"/>, before or after the shift.</summary>
    public static string Outcome(int i, bool shifted)
    {
        int roll = (int)((uint)(i * 2654435761u) % 100);
        if (Urgency(i) == "high")
        {
            return shifted ? (roll < 90 ? "billing" : "escalate") : (roll < 80 ? "escalate" : "billing");
        }

        return roll < 70 ? "billing" : "faq";
    }

    /// <summary>Detection small enough to arm on the events a test sends (the service default arms after 2,000).</summary>
    public static DriftMonitorOptions Options() => new()
    {
        ReferenceSize = 300,
        CurrentWindowSize = 100,
        CurrentWindowDuration = null,
    };

    /// <summary>
    /// The outcome alerts detection raises over <paramref name="events"/> in the order they were published, with
    /// the index of the event each fired at. Latency alerts are left out: the spans' durations are real timings.
    /// </summary>
    public static List<(int Index, DriftAlert Alert)> OutcomeAlerts(IReadOnlyList<DecisionEvent> events)
    {
        var monitor = new DriftMonitor(Options());
        var alerts = new List<(int, DriftAlert)>();
        for (int i = 0; i < events.Count; i++)
        {
            foreach (DriftAlert alert in monitor.Observe(events[i]).Alerts)
            {
                if (alert.Feature.StartsWith("decision.outcome", StringComparison.Ordinal))
                {
                    alerts.Add((i, alert));
                }
            }
        }

        return alerts;
    }

    /// <summary>
    /// Asserts the shift was alerted on the outcome, and nothing before it. Events are put in event-time order
    /// first: an exporter with several requests in flight (the JS SDK's) may deliver batches out of order.
    /// </summary>
    public static void AssertShiftAlerted(IReadOnlyList<DecisionEvent> events)
    {
        var alerts = OutcomeAlerts(events.OrderBy(e => e.Timestamp).ToList());
        Assert.Contains(alerts, a => a.Index >= Before);
        Assert.DoesNotContain(alerts, a => a.Index < Before);
    }
}
