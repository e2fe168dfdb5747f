using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Tests.Detection;

public sealed class SparseCategoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Observe_DeterministicCategoryAndRareStatuses_RaisesNoAlert()
    {
        // A region that is always "eu", a tier that is "enterprise" once in 500, a status that is "timeout"
        // once in 250: constant rates, so every alert would be false.
        var alerts = Run(new Random(11), 30_000, _ => (0.002, 0.004));

        Assert.Empty(alerts);
    }

    [Fact]
    public void Observe_RareStatusBecomesCommon_AlertsOnToolStatus()
    {
        var alerts = Run(new Random(12), 4_000, n => (0.002, n >= 3000 ? 0.08 : 0.004));

        var alert = Assert.Single(alerts, a => a.Feature == "tool_calls.status");
        Assert.True(alert.DetectedAt >= Start.AddMilliseconds(50 * 3000));
    }

    [Fact]
    public void Observe_ValueNeverSeenInReferenceTakesOver_AlertsOnThatFeature()
    {
        var alerts = Run(new Random(13), 4_000, n => (n >= 3000 ? 0.3 : 0, 0.004));

        Assert.Contains(alerts, a => a.Feature == "input.features.tier");
    }

    private static List<DriftAlert> Run(Random random, int events, Func<int, (double Enterprise, double Timeout)> rates)
    {
        var monitor = new DriftMonitor();
        string[] outcomes = ["billing", "general", "escalations"];
        var alerts = new List<DriftAlert>();
        for (int n = 0; n < events; n++)
        {
            var (enterprise, timeout) = rates(n);
            alerts.AddRange(monitor.Observe(new DecisionEvent
            {
                EventId = $"e{n}",
                AgentId = "router",
                Timestamp = Start.AddMilliseconds(50 * n),
                DecisionName = "route",
                Outcome = outcomes[random.Next(outcomes.Length)],
                InputFeatures = new Dictionary<string, string>
                {
                    ["region"] = "eu",
                    ["tier"] = random.NextDouble() < enterprise ? "enterprise" : "standard",
                },
                ToolCalls = [new ToolCall("lookup", random.NextDouble() < timeout ? "timeout" : "ok", null)],
            }).Alerts);
        }

        return alerts;
    }
}
