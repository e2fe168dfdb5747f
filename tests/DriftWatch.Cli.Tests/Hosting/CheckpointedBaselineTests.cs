using DriftWatch.Api.Rollback;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Ml;

namespace DriftWatch.Cli.Tests.Hosting;

public sealed class CheckpointedBaselineTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task FindLastGood_AgentEvictedFromMonitorWithMlDetectors_ReadFromItsCheckpoint()
    {
        using var monitor = MlDriftMonitor.Create(new DriftMonitorOptions(), new MlDetectionOptions());
        for (int i = 0; i < 50; i++)
        {
            monitor.Observe(Decision(i));
        }

        byte[] unit = monitor.Inner.CheckpointAgentUnit("router", null)!;
        monitor.Inner.EvictAgentUnit("router");
        var catalog = new MonitorBaselineCatalog(monitor.Inner, agent => agent == "router" ? unit : null);

        var baseline = await catalog.FindLastGoodAsync("router", "production", Start.AddHours(1), CancellationToken.None);

        Assert.Null(monitor.Inner.HistoryOf("router", "production"));
        Assert.Equal("mem-7", baseline?.StateVersion);
    }

    private static DecisionEvent Decision(int i) => new()
    {
        EventId = $"e-{i}",
        AgentId = "router",
        Timestamp = Start.AddSeconds(i),
        DecisionName = "route",
        Outcome = i % 3 == 0 ? "billing" : "general",
        AgentVersion = "2.1",
        StateVersion = "mem-7",
    };
}
