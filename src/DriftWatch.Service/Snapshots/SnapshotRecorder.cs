using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Detectors;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Service.Snapshots;

/// <summary>
/// Records behaviour snapshots on event time: per behaviour (agent, environment, decision) a reference
/// snapshot of its first decisions, one snapshot per closed period, and a "drifted" snapshot of the current
/// period whenever a detector alerts on it. With environment comparison on, closed periods of the candidate
/// environment (staging) are scored against the reference environment (production) and the scores are added
/// to the step. It is an observer registered on the <see cref="DriftMonitor"/>: the per-behaviour builders live
/// in the monitor's behaviour state, so they are checkpointed, restored and evicted with it and a restarted
/// or rebalanced instance goes on with the open period instead of losing it. This object keeps only the
/// snapshot writer and the last-good and latest maps.
/// </summary>
/// <remarks>
/// With detection in shards one recorder observes every shard's monitor (one snapshot store and write queue
/// per process); each monitor is fed from its own thread and owns its agents (<see cref="AgentShards.Of"/>),
/// so the per-behaviour builders stay single-threaded and only the shared maps, the environment comparison
/// and the write queue see several threads (all thread-safe). Fed as an <see cref="IDriftMonitor"/>, an event
/// goes to its agent's monitor, from one thread per monitor. <see cref="LastGood"/>,
/// <see cref="Latest"/> and the counters may be read from any thread. Snapshots are written to the store on
/// a background task; <see cref="DisposeAsync"/> waits until the queued ones are written. Memory per
/// behaviour is one reference builder (until its snapshot is recorded) and one period builder.
/// </remarks>
public sealed class SnapshotRecorder : IDriftMonitor, IBehaviourDetector, IAsyncDisposable
{
    /// <summary>The name that tags the recorder's section of a checkpoint record.</summary>
    public const string DetectorName = "snapshots";

    private readonly DriftMonitor[] _monitors;
    private readonly SnapshotRecorderOptions _options;
    private readonly SnapshotOptions _snapshotOptions;
    private readonly SnapshotWriter _writer;
    private readonly EnvironmentComparison? _comparison;
    private readonly ConcurrentDictionary<BehaviourKey, RecordedSnapshot> _lastGood = new();
    private readonly ConcurrentDictionary<BehaviourKey, RecordedSnapshot> _latest = new();

    /// <summary>
    /// Records snapshots of what <paramref name="monitor"/> sees into <paramref name="store"/>; registers itself
    /// on the monitor, which must not hold behaviour state yet.
    /// </summary>
    public SnapshotRecorder(
        DriftMonitor monitor,
        ISnapshotStore store,
        SnapshotRecorderOptions? options = null,
        SnapshotOptions? snapshotOptions = null,
        DiffOptions? diffOptions = null,
        ILogger? logger = null)
        : this([monitor ?? throw new ArgumentNullException(nameof(monitor))], store, options, snapshotOptions, diffOptions, logger)
    {
    }

    /// <summary>
    /// Records snapshots of what the detection shards <paramref name="monitors"/> see (monitor i owning the agents
    /// <see cref="AgentShards.Of"/> gives shard i) into one <paramref name="store"/>; registers itself on every
    /// monitor, none of which may hold behaviour state yet.
    /// </summary>
    public SnapshotRecorder(
        IReadOnlyList<DriftMonitor> monitors,
        ISnapshotStore store,
        SnapshotRecorderOptions? options = null,
        SnapshotOptions? snapshotOptions = null,
        DiffOptions? diffOptions = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(monitors);
        if (monitors.Count == 0 || monitors.Any(static m => m is null))
        {
            throw new ArgumentException("At least one monitor is needed, and none may be null.", nameof(monitors));
        }

        ArgumentNullException.ThrowIfNull(store);
        _options = options ?? new SnapshotRecorderOptions();
        _options.Validate();
        _snapshotOptions = snapshotOptions ?? SnapshotOptions.Default;
        _snapshotOptions.Validate();
        diffOptions ??= DiffOptions.Default;
        diffOptions.Validate();
        _monitors = [.. monitors];
        _writer = new SnapshotWriter(store, _options.QueueCapacity, logger ?? NullLogger.Instance);
        _comparison = _options.CompareEnvironments
            ? new EnvironmentComparison(
                _options.ReferenceEnvironment,
                _options.CandidateEnvironment,
                diffOptions,
                // Both environments of an agent live on its shard, the thread that asks.
                (agent, environment) => MonitorOf(agent).HistoryOf(agent, environment)?.StateChanges ?? [])
            : null;
        SettingsFingerprint = string.Join(
            ';',
            _options.Interval.Ticks.ToString(CultureInfo.InvariantCulture),
            _options.ReferenceEvents.ToString(CultureInfo.InvariantCulture),
            JsonSerializer.Serialize(_snapshotOptions));
        foreach (var monitor in _monitors)
        {
            monitor.AddDetector(this);
        }
    }

    /// <summary>
    /// Raised on the observing thread for every snapshot queued for the store, before it is written. Keep
    /// handlers short: they run inside <see cref="Observe(DecisionEvent)"/>. With several monitors, handlers
    /// are called from each monitor's thread, possibly at once.
    /// </summary>
    public event Action<RecordedSnapshot>? Recorded;

    /// <summary>Snapshots written to the store so far.</summary>
    public long Written => _writer.Written;

    /// <summary>Snapshots the store failed to write (logged).</summary>
    public long Failed => _writer.Failed;

    /// <summary>Snapshots dropped because the write queue was full (logged).</summary>
    public long Dropped => _writer.Dropped;

    /// <inheritdoc />
    public string Name => DetectorName;

    /// <inheritdoc />
    public string SettingsFingerprint { get; }

    /// <summary>The reference (last known-good) snapshot of a behaviour, or null before it is complete.</summary>
    public RecordedSnapshot? LastGood(BehaviourKey key) => _lastGood.GetValueOrDefault(key);

    /// <summary>The most recent snapshot recorded for a behaviour, of any kind, or null when none was.</summary>
    public RecordedSnapshot? Latest(BehaviourKey key) => _latest.GetValueOrDefault(key);

    /// <inheritdoc />
    public DetectionStep Observe(DecisionEvent decision) => MonitorOf(decision.AgentId).Observe(decision);

    /// <inheritdoc />
    public void Observe(StateEvent state) => MonitorOf(state.AgentId).Observe(state);

    /// <inheritdoc />
    public IBehaviourDetectorState CreateState(BehaviourKey key) => new BehaviourRecording(this, key);

    /// <summary>Waits until every queued snapshot is written. Open periods are not recorded.</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private DriftMonitor MonitorOf(string agentId) => _monitors.Length == 1 ? _monitors[0] : _monitors[AgentShards.Of(agentId, _monitors.Length)];

    private void Record(RecordedSnapshot recorded)
    {
        _latest[recorded.Key] = recorded;
        _writer.Enqueue(recorded.Snapshot);
        Recorded?.Invoke(recorded);
    }

    private DateTimeOffset PeriodStart(DateTimeOffset timestamp)
    {
        var ticks = timestamp.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % _options.Interval.Ticks), TimeSpan.Zero);
    }

    /// <summary>One behaviour's builders, kept in the monitor's behaviour state.</summary>
    private sealed class BehaviourRecording(SnapshotRecorder owner, BehaviourKey key) : IBehaviourDetectorState
    {
        // Version of the recorder's checkpoint section; another version makes the agent re-learn. 2: builders keep exemplars.
        private const byte StateVersion = 2;

        private readonly SnapshotScope _scope = new(key.AgentId, key.Environment, key.DecisionName);
        private SnapshotBuilder? _reference = new(new SnapshotScope(key.AgentId, key.Environment, key.DecisionName), owner._snapshotOptions);
        private SnapshotBuilder? _period;
        private DateTimeOffset _periodStart;

        public void OnEvent(DecisionEvent decision, DetectorOutput output)
        {
            var periodStart = owner.PeriodStart(decision.Timestamp);
            if (_period is null)
            {
                StartPeriod(periodStart);
            }
            else if (periodStart > _periodStart)
            {
                // Late events of a closed period go to the open one: a stored snapshot never changes.
                var closed = _period.Build();
                var closedStart = _periodStart;
                owner.Record(new RecordedSnapshot(key, RecordedSnapshotKind.Period, closedStart, closed));
                if (owner._comparison is not null)
                {
                    foreach (var score in owner._comparison.OnPeriodClosed(key, closedStart, closedStart + owner._options.Interval, closed))
                    {
                        output.Add(score);
                    }
                }

                StartPeriod(periodStart);
            }

            _period!.Add(decision);
            if (_reference is { } reference)
            {
                reference.Add(decision);
                if (reference.Count >= owner._options.ReferenceEvents)
                {
                    var snapshot = reference.Build();
                    var recorded = new RecordedSnapshot(key, RecordedSnapshotKind.Reference, snapshot.From ?? decision.Timestamp, snapshot);
                    owner._lastGood[key] = recorded;
                    owner.Record(recorded);
                    _reference = null;
                }
            }
        }

        public void OnWindowClosed(in ClosedWindow window, DetectorOutput output)
        {
        }

        public void OnAlerts(IReadOnlyList<DriftAlert> alerts, DetectorOutput output)
        {
            if (_period is not null && alerts.Any(a => a.Key == key))
            {
                owner.Record(new RecordedSnapshot(key, RecordedSnapshotKind.Drifted, _periodStart, _period.Build()));
            }
        }

        public void WriteState(BinaryWriter writer)
        {
            writer.Write(StateVersion);
            writer.Write(_reference is not null);
            _reference?.WriteState(writer);
            writer.Write(_period is not null);
            if (_period is not null)
            {
                writer.Write(_periodStart.UtcTicks);
                _period.WriteState(writer);
            }
        }

        public void ReadState(BinaryReader reader)
        {
            byte version = reader.ReadByte();
            if (version != StateVersion)
            {
                throw new InvalidDataException($"Snapshot recorder state version {version} is not supported (this build reads version {StateVersion}).");
            }

            _reference = reader.ReadBoolean() ? SnapshotBuilder.ReadState(reader, _scope, owner._snapshotOptions) : null;
            if (reader.ReadBoolean())
            {
                _periodStart = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
                _period = SnapshotBuilder.ReadState(reader, _scope, owner._snapshotOptions);
            }
            else
            {
                _period = null;
            }
        }

        private void StartPeriod(DateTimeOffset start)
        {
            _period = new SnapshotBuilder(_scope, owner._snapshotOptions);
            _periodStart = start;
        }
    }
}
