using DriftWatch.Api.Rollback;
using DriftWatch.Cli.Hosting;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Cli.Tests.Hosting;

public sealed class PinnedBaselineTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PinInto_PinnedSnapshot_IsTheRollbackTargetEvenAfterNewerVersionsWereSeen()
    {
        var builder = new SnapshotBuilder(new SnapshotScope("support-router", "production"));
        for (int i = 0; i < 50; i++)
        {
            builder.Add(Decision(i, "mem-good"));
        }

        var pinned = builder.Build();
        var detector = new DriftMonitor();
        for (int i = 50; i < 60; i++)
        {
            detector.Observe(Decision(i, "mem-later"));
        }

        var catalog = new MonitorBaselineCatalog(detector);
        var observed = await catalog.FindLastGoodAsync("support-router", "production", Start.AddHours(1), CancellationToken.None);
        Assert.Equal("mem-later", observed!.StateVersion);

        new DetectionStack(detector, detector, [pinned]).PinInto(catalog);

        var baseline = await catalog.FindLastGoodAsync("support-router", "production", Start.AddHours(1), CancellationToken.None);
        Assert.Equal("mem-good", baseline!.StateVersion);
        Assert.Equal(pinned.Id, baseline.SnapshotId);
    }

    private static DecisionEvent Decision(int i, string stateVersion) => new()
    {
        EventId = $"e{i}",
        AgentId = "support-router",
        Timestamp = Start.AddSeconds(i),
        DecisionName = "route",
        Outcome = i % 3 == 0 ? "billing" : "general",
        StateVersion = stateVersion,
    };
}
