using DriftWatch.Core.Events;

namespace DriftWatch.Core.Detection.Detectors;

/// <summary>
/// A detector that runs beside the statistical tests on the same behaviours and windows (the ML detectors,
/// for one). Registered on a <see cref="DriftMonitor"/> with <see cref="DriftMonitor.AddDetector"/>, it gets one
/// <see cref="IBehaviourDetectorState"/> per behaviour, kept inside the monitor's behaviour state: checkpointed,
/// restored and evicted with it, so a detector never keeps a dictionary of its own.
/// </summary>
public interface IBehaviourDetector
{
    /// <summary>A stable name: it tags the detector's section of a checkpoint record.</summary>
    string Name { get; }

    /// <summary>
    /// Every setting that shapes the detector's state or decisions, as text. It joins the monitor's settings
    /// fingerprint, so a checkpoint written under other detector settings is refused and the agent re-learns.
    /// </summary>
    string SettingsFingerprint { get; }

    /// <summary>The detector's state for a behaviour seen (or restored) for the first time.</summary>
    IBehaviourDetectorState CreateState(BehaviourKey key);
}

/// <summary>
/// One detector's (or observer's) state for one behaviour. Called from the monitor's single observing
/// thread: for every event of the behaviour after the monitor folded it into its window
/// (<see cref="OnEvent"/>), for every window the monitor closes (<see cref="OnWindowClosed"/>), and with the
/// alerts an event raised (<see cref="OnAlerts"/>), in event order.
/// </summary>
public interface IBehaviourDetectorState
{
    /// <summary>An event of the behaviour, already part of the filling window; results go to <paramref name="output"/>.</summary>
    void OnEvent(DecisionEvent decision, DetectorOutput output);

    /// <summary>
    /// The end of a step of the behaviour that raised alerts or closed windows: the alerts (of every detector)
    /// its latest event raised, possibly none. Incidents go to <paramref name="output"/>. Nothing by default.
    /// </summary>
    void OnAlerts(IReadOnlyList<DriftAlert> alerts, DetectorOutput output)
    {
    }

    /// <summary>
    /// The window scores (of every detector) of a step that closed windows, before <see cref="OnAlerts"/>. Nothing by
    /// default; incident resolution reads them to tell when a drift has ended.
    /// </summary>
    void OnScores(IReadOnlyList<FeatureScore> scores)
    {
    }

    /// <summary>The filling window closed; scores and alerts go to <paramref name="output"/>.</summary>
    void OnWindowClosed(in ClosedWindow window, DetectorOutput output);

    /// <summary>Writes everything needed to decide every later event exactly as this state would.</summary>
    void WriteState(BinaryWriter writer);

    /// <summary>
    /// Reads a state written by <see cref="WriteState"/> under the same settings into this fresh state. Throws
    /// <see cref="InvalidDataException"/> on a record it cannot use (then the agent re-learns).
    /// </summary>
    void ReadState(BinaryReader reader);
}

/// <summary>
/// A window the monitor closed: the event that closed it (<see cref="At"/>), its first and last event times and
/// its size. <see cref="Tested"/> is false while the statistical reference is still being learned.
/// </summary>
public readonly record struct ClosedWindow(BehaviourKey Key, DateTimeOffset At, DateTimeOffset Start, DateTimeOffset End, long Events, bool Tested);

/// <summary>Where a detector's scores and alerts for the current event go; they are appended to the step.</summary>
public sealed class DetectorOutput
{
    internal List<FeatureScore> Scores { get; } = [];

    internal List<DriftAlert> Alerts { get; } = [];

    internal List<Incidents.Incident> Incidents { get; } = [];

    /// <summary>Exemplars to put on the step's alerts (by reference), set by <see cref="Exemplars.ExemplarDetector"/>.</summary>
    internal Dictionary<DriftAlert, Exemplars.ExemplarSet> AlertExemplars { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Adds a window score.</summary>
    public void Add(FeatureScore score) => Scores.Add(score ?? throw new ArgumentNullException(nameof(score)));

    /// <summary>Adds an alert.</summary>
    public void Add(DriftAlert alert) => Alerts.Add(alert ?? throw new ArgumentNullException(nameof(alert)));

    /// <summary>Adds an incident the step opened or updated.</summary>
    public void Add(Incidents.Incident incident) => Incidents.Add(incident ?? throw new ArgumentNullException(nameof(incident)));
}
