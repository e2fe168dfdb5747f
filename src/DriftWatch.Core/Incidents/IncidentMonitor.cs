using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Incidents;

/// <summary>
/// Groups the alerts of the monitor it wraps into incidents: every step comes back with
/// <see cref="DetectionStep.Incidents"/> set to the incidents it opened or updated, which are also recorded in
/// <see cref="Directory"/>. Scores, alerts and windows pass through unchanged.
/// </summary>
public sealed class IncidentMonitor : IDriftMonitor
{
    private readonly IDriftMonitor _inner;

    public IncidentMonitor(IDriftMonitor inner, IncidentOptions? options = null, IncidentDirectory? directory = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Tracker = new IncidentTracker(options);
        Directory = directory ?? new IncidentDirectory();
    }

    /// <summary>The grouping state (<see cref="IncidentTracker.WriteState"/> persists it).</summary>
    public IncidentTracker Tracker { get; }

    /// <summary>The incident of each alerting feature, for the rollback webhook.</summary>
    public IncidentDirectory Directory { get; }

    /// <inheritdoc />
    public DetectionStep Observe(DecisionEvent decision)
    {
        Tracker.Observe(decision);
        var step = _inner.Observe(decision);
        if (step.Alerts.Count == 0 && step.Windows.Count == 0)
        {
            return step;
        }

        var incidents = Tracker.Observe(step);
        if (incidents.Count == 0)
        {
            return step;
        }

        foreach (var incident in incidents)
        {
            Directory.Record(incident);
        }

        return step with { Incidents = incidents };
    }

    /// <inheritdoc />
    public void Observe(StateEvent state) => _inner.Observe(state);
}
