using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Tests.Detection;

public sealed class DegenerateReferenceTests
{
    [Fact]
    public void Observe_SegmentWithOneOutcomeSwitchesToUnseenOutcome_AlertsOnThatSegment()
    {
        // Urgent tickets always went to one queue; then they all go to a queue they never went to.
        var monitor = new DriftMonitor();
        var random = new Random(3);
        string[] urgencies = ["low", "normal", "high"];
        var alerts = new List<DriftAlert>();
        var start = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        for (int n = 0; n < 4000; n++)
        {
            var urgency = urgencies[random.Next(3)];
            var outcome = urgency switch { "high" => n >= 2600 ? "general" : "escalations", "low" => "self-service", _ => "general" };
            alerts.AddRange(monitor.Observe(new DecisionEvent
            {
                EventId = $"e{n}",
                AgentId = "router",
                Timestamp = start.AddMilliseconds(50 * n),
                DecisionName = "route",
                Outcome = outcome,
                InputFeatures = new Dictionary<string, string> { ["urgency"] = urgency },
            }).Alerts);
        }

        Assert.Contains(alerts, a => a.Feature == "decision.outcome|input.features.urgency=high");
        Assert.DoesNotContain(alerts, a => a.Feature == "decision.outcome|input.features.urgency=low");
    }
}
