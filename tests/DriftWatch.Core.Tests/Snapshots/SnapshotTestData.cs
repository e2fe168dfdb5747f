using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Tests.Snapshots;

internal static class SnapshotTestData
{
    public static readonly SnapshotScope Scope = new(DecisionEventGenerator.Agent, DecisionEventGenerator.Environment);

    public static List<DecisionEvent> Events(int seed, int count, InjectedDrift drift = InjectedDrift.None, DateTimeOffset? start = null) =>
        new DecisionEventGenerator(seed, drift).Generate(count, start ?? DecisionEventGenerator.Start, TimeSpan.FromSeconds(1)).ToList();

    public static BehaviourSnapshot Snapshot(IEnumerable<DecisionEvent> events, SnapshotScope? scope = null, SnapshotOptions? options = null)
    {
        var builder = new SnapshotBuilder(scope ?? Scope, options);
        foreach (var e in events)
        {
            builder.Add(e);
        }

        return builder.Build();
    }
}
