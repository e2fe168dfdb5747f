using System.Collections.Concurrent;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.IntegrationTests.Infrastructure;

/// <summary>
/// A monitor that records what reached detection and raises a synthetic alert every
/// <c>alertEvery</c> decisions, so pipeline tests can count events and alerts end to end.
/// </summary>
internal sealed class RecordingMonitor(int alertEvery = 0) : IDriftMonitor
{
    private long _decisions;

    public ConcurrentQueue<string> EventIds { get; } = new();

    public ConcurrentQueue<string> StateKeys { get; } = new();

    public DetectionStep Observe(DecisionEvent decision)
    {
        EventIds.Enqueue(decision.EventId);
        var n = Interlocked.Increment(ref _decisions);
        if (alertEvery <= 0 || n % alertEvery != 0)
        {
            return DetectionStep.Empty;
        }

        var alert = new DriftAlert(
            decision.Key, "decision.outcome", "chi2", n, 1, AlertSeverity.Warning,
            decision.Timestamp, decision.Timestamp, decision.Timestamp, $"alert #{n}", []);
        return new DetectionStep([], [alert], []);
    }

    public void Observe(StateEvent state) => StateKeys.Enqueue(state.Key);
}
