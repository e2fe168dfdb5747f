using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Service.Snapshots;

/// <summary>
/// Makes pinned snapshots the detection reference: the first time a behaviour of a pinned agent and
/// environment is seen with no state yet (none learned and none restored from a checkpoint, which already
/// carries the pinned reference), and its decision matches the snapshot's when the snapshot names one, the
/// detector is given the snapshot as its reference and armed at once, instead of learning a reference
/// from the behaviour's first events.
/// </summary>
public sealed class PinnedReferenceMonitor : IDriftMonitor
{
    private readonly IDriftMonitor _inner;
    private readonly DriftMonitor _detector;
    private readonly IReadOnlyDictionary<(string Agent, string Environment), BehaviourSnapshot> _pins;

    /// <summary>
    /// Wraps <paramref name="inner"/> (the whole monitor chain) and pins into <paramref name="detector"/> (the
    /// statistical monitor inside it).
    /// </summary>
    public PinnedReferenceMonitor(IDriftMonitor inner, DriftMonitor detector, IEnumerable<BehaviourSnapshot> pinned)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(pinned);
        _inner = inner;
        _detector = detector;
        _pins = pinned.ToDictionary(s => (s.Scope.AgentId, s.Scope.Environment));
    }

    /// <summary>Behaviours whose reference came from a pinned snapshot so far.</summary>
    public int PinnedBehaviours { get; private set; }

    /// <inheritdoc />
    public DetectionStep Observe(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var key = decision.Key;
        if (_pins.Count > 0 && !_detector.Contains(key)
            && _pins.TryGetValue((key.AgentId, key.Environment), out var snapshot)
            && (snapshot.Scope.DecisionName is null || snapshot.Scope.DecisionName == key.DecisionName))
        {
            _detector.PinReference(key, SnapshotReference.ToProfile(snapshot, _detector.Options.NumericReferencePoints));
            PinnedBehaviours++;
        }

        return _inner.Observe(decision);
    }

    /// <inheritdoc />
    public void Observe(StateEvent state) => _inner.Observe(state);
}
