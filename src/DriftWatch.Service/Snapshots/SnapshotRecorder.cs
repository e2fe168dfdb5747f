using System.Collections.Concurrent;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Service.Snapshots;

/// <summary>
/// Wraps a drift monitor and records behaviour snapshots on event time: per behaviour (agent, environment,
/// decision) a reference snapshot of its first decisions, one snapshot per closed period, and a "drifted"
/// snapshot of the current period whenever the inner monitor alerts on it. With environment comparison on,
/// closed periods of the candidate environment (staging) are scored against the reference environment
/// (production) and the scores are added to the returned step.
/// </summary>
/// <remarks>
/// Like every <see cref="IDriftMonitor"/> it is fed from one thread; <see cref="LastGood"/>,
/// <see cref="Latest"/> and the counters may be read from any thread. Snapshots are written to the store on
/// a background task; <see cref="DisposeAsync"/> waits until the queued ones are written. Memory per
/// behaviour is one reference builder (until its snapshot is recorded) and one period builder.
/// </remarks>
public sealed class SnapshotRecorder : IDriftMonitor, IAsyncDisposable
{
    private readonly IDriftMonitor _inner;
    private readonly SnapshotRecorderOptions _options;
    private readonly SnapshotOptions _snapshotOptions;
    private readonly SnapshotWriter _writer;
    private readonly EnvironmentComparison? _comparison;
    private readonly Dictionary<BehaviourKey, BehaviourRecording> _behaviours = [];
    private readonly ConcurrentDictionary<BehaviourKey, RecordedSnapshot> _lastGood = new();
    private readonly ConcurrentDictionary<BehaviourKey, RecordedSnapshot> _latest = new();

    /// <summary>Records snapshots of what <paramref name="inner"/> sees into <paramref name="store"/>.</summary>
    public SnapshotRecorder(
        IDriftMonitor inner,
        ISnapshotStore store,
        SnapshotRecorderOptions? options = null,
        SnapshotOptions? snapshotOptions = null,
        DiffOptions? diffOptions = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(store);
        _options = options ?? new SnapshotRecorderOptions();
        _options.Validate();
        _snapshotOptions = snapshotOptions ?? SnapshotOptions.Default;
        _snapshotOptions.Validate();
        diffOptions ??= DiffOptions.Default;
        diffOptions.Validate();
        _inner = inner;
        _writer = new SnapshotWriter(store, _options.QueueCapacity, logger ?? NullLogger.Instance);
        _comparison = _options.CompareEnvironments
            ? new EnvironmentComparison(_options.ReferenceEnvironment, _options.CandidateEnvironment, diffOptions)
            : null;
    }

    /// <summary>
    /// Raised on the observing thread for every snapshot queued for the store, before it is written. Keep
    /// handlers short: they run inside <see cref="Observe(DecisionEvent)"/>.
    /// </summary>
    public event Action<RecordedSnapshot>? Recorded;

    /// <summary>Snapshots written to the store so far.</summary>
    public long Written => _writer.Written;

    /// <summary>Snapshots the store failed to write (logged).</summary>
    public long Failed => _writer.Failed;

    /// <summary>Snapshots dropped because the write queue was full (logged).</summary>
    public long Dropped => _writer.Dropped;

    /// <summary>The reference (last known-good) snapshot of a behaviour, or null before it is complete.</summary>
    public RecordedSnapshot? LastGood(BehaviourKey key) => _lastGood.GetValueOrDefault(key);

    /// <summary>The most recent snapshot recorded for a behaviour, of any kind, or null when none was.</summary>
    public RecordedSnapshot? Latest(BehaviourKey key) => _latest.GetValueOrDefault(key);

    /// <inheritdoc />
    public DetectionStep Observe(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var key = decision.Key;
        if (!_behaviours.TryGetValue(key, out var behaviour))
        {
            behaviour = new BehaviourRecording(new SnapshotScope(key.AgentId, key.Environment, key.DecisionName), _snapshotOptions);
            _behaviours.Add(key, behaviour);
        }

        var comparisonScores = RecordBefore(key, behaviour, decision);
        var step = _inner.Observe(decision);
        RecordAfter(key, behaviour, step);
        return comparisonScores.Count == 0 ? step : step with { Scores = [.. step.Scores, .. comparisonScores] };
    }

    /// <inheritdoc />
    public void Observe(StateEvent state) => _inner.Observe(state);

    /// <summary>Waits until every queued snapshot is written. Open periods are not recorded.</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private IReadOnlyList<FeatureScore> RecordBefore(BehaviourKey key, BehaviourRecording behaviour, DecisionEvent decision)
    {
        IReadOnlyList<FeatureScore> scores = [];
        var periodStart = PeriodStart(decision.Timestamp);
        if (behaviour.Period is null)
        {
            behaviour.StartPeriod(periodStart);
        }
        else if (periodStart > behaviour.PeriodStart)
        {
            // Late events of a closed period go to the open one: a stored snapshot never changes.
            var closed = behaviour.Period.Build();
            var closedStart = behaviour.PeriodStart;
            Record(new RecordedSnapshot(key, RecordedSnapshotKind.Period, closedStart, closed));
            if (_comparison is not null)
            {
                scores = _comparison.OnPeriodClosed(key, closedStart, closedStart + _options.Interval, closed);
            }

            behaviour.StartPeriod(periodStart);
        }

        behaviour.Period!.Add(decision);
        if (behaviour.Reference is { } reference)
        {
            reference.Add(decision);
            if (reference.Count >= _options.ReferenceEvents)
            {
                var snapshot = reference.Build();
                var recorded = new RecordedSnapshot(key, RecordedSnapshotKind.Reference, snapshot.From ?? decision.Timestamp, snapshot);
                _lastGood[key] = recorded;
                Record(recorded);
                behaviour.Reference = null;
            }
        }

        return scores;
    }

    private void RecordAfter(BehaviourKey key, BehaviourRecording behaviour, DetectionStep step)
    {
        foreach (var alert in step.Alerts)
        {
            if (alert.Key == key)
            {
                Record(new RecordedSnapshot(key, RecordedSnapshotKind.Drifted, behaviour.PeriodStart, behaviour.Period!.Build()));
                return;
            }
        }
    }

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

    private sealed class BehaviourRecording(SnapshotScope scope, SnapshotOptions options)
    {
        public SnapshotBuilder? Reference { get; set; } = new(scope, options);

        public SnapshotBuilder? Period { get; private set; }

        public DateTimeOffset PeriodStart { get; private set; }

        public void StartPeriod(DateTimeOffset start)
        {
            Period = new SnapshotBuilder(scope, options);
            PeriodStart = start;
        }
    }
}
