using System.Collections.Concurrent;
using System.Text;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Detection.Detectors;
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
    private readonly DetectionContext _context;
    private readonly DetectorOutput _detectorOutput = new();
    private ulong _fingerprint;
    private readonly Dictionary<BehaviourKey, BehaviourState> _behaviours = [];
    private readonly Dictionary<string, List<BehaviourKey>> _byAgent = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Agent, string Environment), (string? DecisionName, ReferenceProfile Profile)> _pins = [];
    private readonly ConcurrentDictionary<(string Agent, string Environment), AgentHistory> _agents = new();
    private readonly List<FeatureScore> _scores = [];
    private readonly List<RankedAlert> _alerts = [];

    /// <summary>Creates a monitor; the options are validated and must not be changed afterwards.</summary>
    public DriftMonitor(DriftMonitorOptions? options = null)
    {
        options ??= new DriftMonitorOptions();
        options.Validate();
        _context = new DetectionContext(options);
        _fingerprint = StateCheckpoint.Fingerprint(options);
    }

    /// <summary>The settings in force.</summary>
    public DriftMonitorOptions Options => _context.Options;

    /// <summary>The sibling detectors registered, in registration order.</summary>
    public IReadOnlyList<IBehaviourDetector> Detectors => _context.Detectors;

    /// <summary>
    /// Registers a detector that runs beside the statistical tests on every behaviour and window; its
    /// per-behaviour state lives in the behaviour state, so it is checkpointed, restored and evicted with it.
    /// Register before the first event or restore: the detectors are part of the settings fingerprint, and a
    /// behaviour's state is made with the detectors registered when it is created.
    /// </summary>
    public void AddDetector(IBehaviourDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        if (_behaviours.Count > 0)
        {
            throw new InvalidOperationException("Detectors must be registered before the monitor holds any behaviour state.");
        }

        if (_context.Detectors.Any(d => string.Equals(d.Name, detector.Name, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"A detector named '{detector.Name}' is registered already.", nameof(detector));
        }

        _context.Detectors.Add(detector);
        _fingerprint = StateCheckpoint.Fingerprint(Options, _context.Detectors);
    }

    /// <summary>Number of behaviours with state.</summary>
    public int BehaviourCount => _behaviours.Count;

    /// <summary>The behaviours with state in memory.</summary>
    public IReadOnlyCollection<BehaviourKey> Behaviours => _behaviours.Keys;

    /// <summary>The agents (per environment) with a history in memory.</summary>
    public IReadOnlyCollection<(string AgentId, string Environment)> Agents => [.. _agents.Keys];

    /// <summary>Whether a behaviour has state in memory.</summary>
    public bool Contains(BehaviourKey key) => _behaviours.ContainsKey(key);

    /// <summary>An agent's reference versions and recent state changes; null when it has none in memory. Thread-safe.</summary>
    public AgentHistory? HistoryOf(string agentId, string environment) => _agents.GetValueOrDefault((agentId, environment));

    /// <summary>Behaviours whose reference came from a pinned snapshot (<see cref="PinSnapshot"/>) so far.</summary>
    public int PinnedBehaviours { get; private set; }

    /// <summary>
    /// Makes a known-good snapshot the reference of its agent and environment (and decision, when the
    /// snapshot names one): every matching behaviour that gets state from its first event on (none learned and
    /// none restored from a checkpoint, which already carries the pinned reference) is armed at once against
    /// the snapshot, instead of learning a reference from its first events. Replaces an earlier pin of the
    /// same agent and environment; behaviours with state keep their reference.
    /// </summary>
    public void PinSnapshot(Snapshots.BehaviourSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var profile = Snapshots.SnapshotReference.ToProfile(snapshot, Options.NumericReferencePoints);
        _pins[(snapshot.Scope.AgentId, snapshot.Scope.Environment)] = (snapshot.Scope.DecisionName, profile);
    }

    /// <summary>Whether detection is armed for a behaviour (its reference is complete or pinned).</summary>
    public bool IsArmed(BehaviourKey key) => _behaviours.TryGetValue(key, out var state) && state.Armed;

    /// <inheritdoc />
    public DetectionStep Observe(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var key = decision.Key;
        if (!_behaviours.TryGetValue(key, out var state))
        {
            state = New(key);
        }

        History(decision.AgentId, decision.Environment).Observe(decision, Options.ReferenceSize);
        List<WindowSummary>? windows = null;
        if (state.WindowExpiredBy(decision.Timestamp))
        {
            (windows ??= []).Add(state.CloseWindow(decision.Timestamp, _scores, _alerts, _detectorOutput));
        }

        state.Add(decision, _detectorOutput);
        if (state.WindowFull)
        {
            (windows ??= []).Add(state.CloseWindow(decision.Timestamp, _scores, _alerts, _detectorOutput));
        }
        else if (state.LookDue)
        {
            state.Look(decision.Timestamp, _alerts);
        }

        if (windows is null && _alerts.Count == 0 && _detectorOutput.Alerts.Count == 0 && _detectorOutput.Scores.Count == 0)
        {
            return DetectionStep.Empty;
        }

        var step = TakeStep(windows ?? []);
        if (step.Alerts.Count > 0 || step.Windows.Count > 0)
        {
            // Every step that raised alerts or closed windows ends here for the sibling detectors (incident
            // grouping ages its open incident by the windows only after the step's alerts joined it).
            if (step.Scores.Count > 0)
            {
                state.OnScores(step.Scores);
            }

            state.OnAlerts(step.Alerts, _detectorOutput);
            if (_detectorOutput.AlertExemplars.Count > 0)
            {
                var exemplars = _detectorOutput.AlertExemplars;
                step = step with { Alerts = [.. step.Alerts.Select(a => exemplars.TryGetValue(a, out var e) ? a with { Exemplars = e } : a)] };
                exemplars.Clear();
            }

            if (_detectorOutput.Incidents.Count > 0)
            {
                step = step with { Incidents = [.. _detectorOutput.Incidents] };
                _detectorOutput.Incidents.Clear();
            }
        }

        return step;
    }

    /// <inheritdoc />
    /// <remarks>State changes are kept (the last <see cref="AgentHistory.MaxStateChanges"/> per agent and environment) for attributing drift.</remarks>
    public void Observe(StateEvent state)
    {
        ArgumentNullException.ThrowIfNull(state);
        History(state.AgentId, state.Environment).Observe(state);
    }

    /// <summary>The most recent state changes of an agent in an environment, oldest first.</summary>
    public IReadOnlyList<StateEvent> RecentStateChanges(string agentId, string environment) =>
        HistoryOf(agentId, environment)?.StateChanges ?? [];

    /// <summary>
    /// A checkpoint record of one behaviour: everything detection keeps for it, so that
    /// <see cref="Restore"/> on another instance (or after a restart) decides every later event exactly as
    /// this one would have. <paramref name="position"/> records up to where the input has been folded in.
    /// </summary>
    public byte[] Checkpoint(BehaviourKey key, SourcePosition? position = null)
    {
        if (!_behaviours.TryGetValue(key, out var state))
        {
            throw new KeyNotFoundException($"No state for behaviour {key}.");
        }

        return Write(new CheckpointHeader(CheckpointKind.Behaviour, key.AgentId, key.Environment, key.DecisionName, position), state.WriteTo);
    }

    /// <summary>A checkpoint record of an agent's history in one environment.</summary>
    public byte[] CheckpointAgent(string agentId, string environment, SourcePosition? position = null)
    {
        var history = HistoryOf(agentId, environment) ?? throw new KeyNotFoundException($"No history for agent {agentId}/{environment}.");
        return Write(new CheckpointHeader(CheckpointKind.Agent, agentId, environment, null, position), history.WriteTo);
    }

    /// <summary>
    /// Loads a checkpoint record, replacing any state held for its behaviour or agent. Throws
    /// <see cref="CheckpointException"/> (and changes nothing) when the record is corrupt, of another format
    /// version, or written under other detection settings.
    /// </summary>
    public CheckpointHeader Restore(ReadOnlySpan<byte> record)
    {
        using var stream = new MemoryStream(record.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var header = StateCheckpoint.ReadHeader(reader, _fingerprint);
        try
        {
            if (header.Kind == CheckpointKind.Behaviour)
            {
                var key = new BehaviourKey(header.AgentId, header.Environment, header.DecisionName ?? string.Empty);
                var state = BehaviourState.ReadFrom(reader, key, _context);
                EnsureConsumed(stream, header);
                if (!_behaviours.TryAdd(key, state))
                {
                    _behaviours[key] = state;
                }
                else
                {
                    IndexOf(key.AgentId).Add(key);
                }
            }
            else
            {
                var history = AgentHistory.ReadFrom(reader, header.AgentId, header.Environment);
                EnsureConsumed(stream, header);
                _agents[(header.AgentId, header.Environment)] = history;
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or InvalidDataException or ArgumentException or FormatException or InvalidOperationException)
        {
            throw new CheckpointException($"Checkpoint of {header.Key} is corrupt: {ex.Message}", ex);
        }

        return header;
    }

    /// <summary>Drops a behaviour's state from memory (after it was checkpointed); false when it had none.</summary>
    public bool Evict(BehaviourKey key)
    {
        if (!_behaviours.Remove(key))
        {
            return false;
        }

        if (_byAgent.TryGetValue(key.AgentId, out var keys))
        {
            keys.Remove(key);
            if (keys.Count == 0)
            {
                _byAgent.Remove(key.AgentId);
            }
        }

        return true;
    }

    /// <summary>The behaviours of one agent (every environment and decision) with state in memory.</summary>
    public IReadOnlyList<BehaviourKey> BehavioursOf(string agentId) =>
        _byAgent.TryGetValue(agentId, out var keys) ? [.. keys] : [];

    /// <summary>
    /// One record holding everything kept for an agent (its behaviours in every environment and its
    /// histories), so that the agent's whole state moves atomically: the unit of the changelog topic, keyed by
    /// agent id like the input. Null when nothing is held for the agent.
    /// </summary>
    public byte[]? CheckpointAgentUnit(string agentId, SourcePosition? position)
    {
        var records = new List<byte[]>();
        foreach (var (agent, environment) in _agents.Keys.Where(k => k.Agent == agentId).OrderBy(k => k.Environment, StringComparer.Ordinal))
        {
            records.Add(CheckpointAgent(agent, environment, position));
        }

        foreach (var key in BehavioursOf(agentId))
        {
            records.Add(Checkpoint(key, position));
        }

        return records.Count == 0 ? null : AgentUnit.Write(agentId, position, records);
    }

    /// <summary>
    /// Restores an agent unit written by <see cref="CheckpointAgentUnit"/>, replacing what is held for the
    /// agent. All or nothing: when any record is unusable, nothing of the agent is kept (it re-learns) and
    /// <see cref="CheckpointException"/> says why.
    /// </summary>
    public CheckpointHeader RestoreAgentUnit(ReadOnlySpan<byte> unit)
    {
        var (agentId, position, records) = AgentUnit.Read(unit);
        EvictAgentUnit(agentId);
        try
        {
            foreach (byte[] record in records)
            {
                var header = Restore(record);
                if (!string.Equals(header.AgentId, agentId, StringComparison.Ordinal))
                {
                    throw new CheckpointException($"Checkpoint unit of agent {agentId} holds a record of {header.AgentId}.");
                }
            }
        }
        catch (CheckpointException)
        {
            EvictAgentUnit(agentId);
            throw;
        }

        return new CheckpointHeader(CheckpointKind.Agent, agentId, string.Empty, null, position);
    }

    /// <summary>
    /// An agent's history in one environment, read from an agent unit written under this monitor's settings
    /// without loading anything into the monitor: safe to call from any thread while the monitor observes.
    /// Null when the unit holds no history for the environment; <see cref="CheckpointException"/> when it is
    /// unusable.
    /// </summary>
    public AgentHistory? ReadHistory(ReadOnlySpan<byte> unit, string environment)
    {
        var (agentId, _, records) = AgentUnit.Read(unit);
        foreach (byte[] record in records)
        {
            using var stream = new MemoryStream(record, writable: false);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            var header = StateCheckpoint.ReadHeader(reader, _fingerprint);
            if (header.Kind != CheckpointKind.Agent || !string.Equals(header.Environment, environment, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                return AgentHistory.ReadFrom(reader, agentId, environment);
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException or InvalidDataException or ArgumentException or FormatException or InvalidOperationException)
            {
                throw new CheckpointException($"Checkpoint of {header.Key} is corrupt: {ex.Message}", ex);
            }
        }

        return null;
    }

    /// <summary>Drops everything held for an agent; returns the number of behaviours dropped.</summary>
    public int EvictAgentUnit(string agentId)
    {
        int dropped = 0;
        foreach (var key in BehavioursOf(agentId))
        {
            dropped += Evict(key) ? 1 : 0;
        }

        foreach (var key in _agents.Keys.Where(k => k.Agent == agentId).ToList())
        {
            _agents.TryRemove(key, out _);
        }

        return dropped;
    }

    private BehaviourState New(BehaviourKey key)
    {
        var state = new BehaviourState(key, _context);
        Add(key, state);
        if (_pins.Count > 0
            && _pins.TryGetValue((key.AgentId, key.Environment), out var pin)
            && (pin.DecisionName is null || string.Equals(pin.DecisionName, key.DecisionName, StringComparison.Ordinal)))
        {
            PinReference(key, pin.Profile);
            PinnedBehaviours++;
        }

        return state;
    }

    private void Add(BehaviourKey key, BehaviourState state)
    {
        _behaviours.Add(key, state);
        IndexOf(key.AgentId).Add(key);
    }

    private List<BehaviourKey> IndexOf(string agentId)
    {
        if (!_byAgent.TryGetValue(agentId, out var keys))
        {
            keys = [];
            _byAgent.Add(agentId, keys);
        }

        return keys;
    }

    /// <summary>Drops an agent's history from memory (after it was checkpointed); false when it had none.</summary>
    public bool EvictAgent(string agentId, string environment) => _agents.TryRemove((agentId, environment), out _);

    private byte[] Write(CheckpointHeader header, Action<BinaryWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            StateCheckpoint.WriteHeader(writer, _fingerprint, header);
            body(writer);
        }

        return stream.ToArray();
    }

    private static void EnsureConsumed(MemoryStream stream, CheckpointHeader header)
    {
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException($"{stream.Length - stream.Position} unexpected bytes after the state of {header.Key}.");
        }
    }

    private AgentHistory History(string agentId, string environment) =>
        _agents.TryGetValue((agentId, environment), out var history)
            ? history
            : _agents.GetOrAdd((agentId, environment), static k => new AgentHistory(k.Agent, k.Environment));

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
            Add(key, state);
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
        // The statistical results, ranked, then the sibling detectors' in the order they produced them.
        FeatureScore[] scores = [.. _scores, .. _detectorOutput.Scores];
        DriftAlert[] alerts =
        [
            .. _alerts
                .OrderByDescending(a => a.Rank)
                .ThenBy(a => a.Alert.Feature, StringComparer.Ordinal)
                .Select(a => a.Alert),
            .. _detectorOutput.Alerts,
        ];
        _scores.Clear();
        _alerts.Clear();
        _detectorOutput.Scores.Clear();
        _detectorOutput.Alerts.Clear();
        return new DetectionStep(scores, alerts, windows);
    }

    // Pinning must not depend on the caller's dictionary order for which label gets which slot.
    private static IEnumerable<KeyValuePair<string, T>> Ordered<T>(IReadOnlyDictionary<string, T> values) =>
        values.OrderBy(kv => kv.Key, StringComparer.Ordinal);
}
