using DriftWatch.Core.Events;
using DriftWatch.Core.Results;

namespace DriftWatch.Core.Detection;

/// <summary>
/// The drift detection engine. For every behaviour (agent, environment, decision name) it fills a reference
/// window from the first <see cref="DriftMonitorOptions.ReferenceSize"/> events, then tests each feature of
/// every closed current window against it: chi-square on categorical, conditional and text-sketch counts,
/// Kolmogorov-Smirnov on numeric values, each with an effect-size floor, plus a CUSUM over the window
/// scores for gradual drift. Thresholds are calibrated so that a stream without drift averages
/// <see cref="DriftMonitorOptions.TargetEventsBetweenFalseAlarms"/> events between alert episodes.
/// Runs on event time only and is deterministic: the same events in the same order give the same results.
/// Not thread-safe.
/// </summary>
public sealed class DriftMonitor : IDriftMonitor
{
    private const int StateHistory = 64;

    private readonly DetectionContext _context;
    private readonly Dictionary<BehaviourKey, BehaviourState> _behaviours = [];
    private readonly Dictionary<(string Agent, string Environment), Queue<StateEvent>> _stateChanges = [];
    private readonly List<FeatureScore> _scores = [];
    private readonly List<RankedAlert> _alerts = [];

    /// <summary>Creates a monitor; the options are validated and must not be changed afterwards.</summary>
    public DriftMonitor(DriftMonitorOptions? options = null)
    {
        options ??= new DriftMonitorOptions();
        options.Validate();
        _context = new DetectionContext(options);
    }

    /// <summary>The settings in force.</summary>
    public DriftMonitorOptions Options => _context.Options;

    /// <summary>Number of behaviours with state.</summary>
    public int BehaviourCount => _behaviours.Count;

    /// <summary>Whether detection is armed for a behaviour (its reference is complete or pinned).</summary>
    public bool IsArmed(BehaviourKey key) => _behaviours.TryGetValue(key, out var state) && state.Armed;

    /// <inheritdoc />
    public DetectionStep Observe(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var key = decision.Key;
        if (!_behaviours.TryGetValue(key, out var state))
        {
            state = new BehaviourState(key, _context);
            _behaviours.Add(key, state);
        }

        List<WindowSummary>? windows = null;
        if (state.WindowExpiredBy(decision.Timestamp))
        {
            (windows ??= []).Add(state.CloseWindow(decision.Timestamp, _scores, _alerts));
        }

        state.Add(decision);
        if (state.WindowFull)
        {
            (windows ??= []).Add(state.CloseWindow(decision.Timestamp, _scores, _alerts));
        }

        return windows is null ? DetectionStep.Empty : TakeStep(windows);
    }

    /// <inheritdoc />
    /// <remarks>State changes are kept (the last 64 per agent and environment) for attributing drift.</remarks>
    public void Observe(StateEvent state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var key = (state.AgentId, state.Environment);
        if (!_stateChanges.TryGetValue(key, out var queue))
        {
            queue = new Queue<StateEvent>();
            _stateChanges.Add(key, queue);
        }

        if (queue.Count == StateHistory)
        {
            queue.Dequeue();
        }

        queue.Enqueue(state);
    }

    /// <summary>The most recent state changes of an agent in an environment, oldest first.</summary>
    public IReadOnlyList<StateEvent> RecentStateChanges(string agentId, string environment) =>
        _stateChanges.TryGetValue((agentId, environment), out var queue) ? [.. queue] : [];

    /// <summary>
    /// Pins a behaviour's reference to externally supplied distributions (a snapshot) and arms its
    /// detection at once. Features the profile does not name keep the reference they had.
    /// </summary>
    public void PinReference(BehaviourKey key, ReferenceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!_behaviours.TryGetValue(key, out var state))
        {
            state = new BehaviourState(key, _context);
            _behaviours.Add(key, state);
        }

        foreach (var (feature, counts) in Ordered(profile.Categorical))
        {
            if (state.TrackerFor(feature) is CountTracker { Index: { } index } tracker)
            {
                var slots = new double[index.OtherIndex + 1];
                double total = 0;
                foreach (var (label, count) in Ordered(counts))
                {
                    slots[index.IndexOf(label)] += count;
                    total += count;
                }

                tracker.SetReference(slots, profile.Observations.GetValueOrDefault(feature, total));
            }
        }

        foreach (var (feature, buckets) in Ordered(profile.Text))
        {
            if (buckets.Count != Options.TextSketchBuckets)
            {
                throw new ArgumentException($"Text feature '{feature}' has {buckets.Count} buckets; the monitor uses {Options.TextSketchBuckets}.", nameof(profile));
            }

            if (state.TrackerFor(feature) is CountTracker { Index: null } tracker)
            {
                tracker.SetReference(buckets, profile.Observations.GetValueOrDefault(feature, 0));
            }
        }

        foreach (var (feature, sample) in Ordered(profile.Numeric))
        {
            if (state.TrackerFor(feature) is NumericTracker tracker)
            {
                tracker.SetReference(sample, profile.Observations.GetValueOrDefault(feature, sample.Count));
            }
        }

        state.Arm();
    }

    /// <summary>The reference a behaviour is tested against, or null when it is not armed yet.</summary>
    public ReferenceProfile? ExportReference(BehaviourKey key)
    {
        if (!_behaviours.TryGetValue(key, out var state) || !state.Armed)
        {
            return null;
        }

        var categorical = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        var numeric = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
        var text = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
        var observations = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var tracker in state.Trackers)
        {
            observations[tracker.Name] = tracker.ReferenceEvents;
            switch (tracker)
            {
                case CountTracker { Index: { } index } counts:
                    var values = new Dictionary<string, double>(StringComparer.Ordinal);
                    var reference = counts.ReferenceCounts();
                    for (int i = 0; i < reference.Count; i++)
                    {
                        if (reference[i] > 0)
                        {
                            values[index.LabelOf(i)] = reference[i];
                        }
                    }

                    categorical[tracker.Name] = values;
                    break;
                case CountTracker counts:
                    text[tracker.Name] = counts.ReferenceCounts();
                    break;
                case NumericTracker number:
                    numeric[tracker.Name] = number.ReferenceSample();
                    break;
            }
        }

        return new ReferenceProfile { Categorical = categorical, Numeric = numeric, Text = text, Observations = observations };
    }

    private DetectionStep TakeStep(List<WindowSummary> windows)
    {
        var scores = _scores.ToArray();
        var alerts = _alerts
            .OrderByDescending(a => a.Rank)
            .ThenBy(a => a.Alert.Feature, StringComparer.Ordinal)
            .Select(a => a.Alert)
            .ToArray();
        _scores.Clear();
        _alerts.Clear();
        return new DetectionStep(scores, alerts, windows);
    }

    // Pinning must not depend on the caller's dictionary order for which label gets which slot.
    private static IEnumerable<KeyValuePair<string, T>> Ordered<T>(IReadOnlyDictionary<string, T> values) =>
        values.OrderBy(kv => kv.Key, StringComparer.Ordinal);
}
