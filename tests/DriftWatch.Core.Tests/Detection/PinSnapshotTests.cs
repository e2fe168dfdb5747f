using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Tests.Detection;

public sealed class PinSnapshotTests
{
    private static readonly BehaviourKey Router = new("support-router", "production", "route");

    [Fact]
    public void PinSnapshot_NewBehaviourOfPinnedAgent_ArmedFromItsFirstEvent()
    {
        var monitor = new DriftMonitor();
        monitor.PinSnapshot(GoodSnapshot(decisionName: null));

        monitor.Observe(new SupportStream(9).Next());

        Assert.True(monitor.IsArmed(Router));
        Assert.Equal(1, monitor.PinnedBehaviours);
    }

    [Fact]
    public void PinSnapshot_OtherDecisionNamed_NotPinned()
    {
        var monitor = new DriftMonitor();
        monitor.PinSnapshot(GoodSnapshot(decisionName: "reply"));

        monitor.Observe(new SupportStream(9).Next());

        Assert.False(monitor.IsArmed(Router));
        Assert.Equal(0, monitor.PinnedBehaviours);
    }

    [Fact]
    public void RestoreAgentUnit_PinnedBehaviour_KeepsTheCheckpointedReferenceAndDecidesAsTheOriginal()
    {
        var good = GoodSnapshot(decisionName: null);
        var events = new SupportStream(11, Drift.MisroutingHighUrgency, onset: 600).Take(2_000).ToList();
        var original = new DriftMonitor();
        original.PinSnapshot(good);
        foreach (var e in events.Take(400))
        {
            original.Observe(e);
        }

        var restored = new DriftMonitor();
        restored.PinSnapshot(good);
        restored.RestoreAgentUnit(original.CheckpointAgentUnit(Router.AgentId, null)!);

        var expected = events.Skip(400).SelectMany(e => original.Observe(e).Alerts).Select(a => $"{a.Feature}|{a.Score:R}|{a.DetectedAt:O}").ToList();
        var actual = events.Skip(400).SelectMany(e => restored.Observe(e).Alerts).Select(a => $"{a.Feature}|{a.Score:R}|{a.DetectedAt:O}").ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
        Assert.Equal(0, restored.PinnedBehaviours);
    }

    private static BehaviourSnapshot GoodSnapshot(string? decisionName)
    {
        var builder = new SnapshotBuilder(new SnapshotScope(Router.AgentId, Router.Environment, decisionName));
        foreach (var e in new SupportStream(3).Take(3_000))
        {
            builder.TryAdd(e);
        }

        return builder.Build();
    }
}
