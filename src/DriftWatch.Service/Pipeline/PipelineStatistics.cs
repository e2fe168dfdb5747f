using System.Collections.Concurrent;
using DriftWatch.Core.Detection;

namespace DriftWatch.Service.Pipeline;

/// <summary>
/// Live counters of a running pipeline, safe to read from any thread (the terminal view, health points).
/// </summary>
public sealed class PipelineStatistics
{
    private readonly ConcurrentDictionary<string, long> _eventsByAgent = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<DriftAlert> _alerts = new();
    private long _events;
    private long _stateEvents;
    private long _deadLettered;
    private long _deadLettersSkipped;
    private long _committed;
    private long _detectorFailures;
    private long _sinkRetries;
    private long _checkpoints;
    private long _checkpointBytes;

    /// <summary>Valid decision events processed.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Valid state events processed.</summary>
    public long StateEvents => Interlocked.Read(ref _stateEvents);

    /// <summary>Messages sent to the dead-letter topic.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>
    /// Invalid messages the dead-letter topic refused for good; each was logged with its topic, partition
    /// and offset and skipped (committed) so the stream goes on.
    /// </summary>
    public long DeadLettersSkipped => Interlocked.Read(ref _deadLettersSkipped);

    /// <summary>Messages whose results were written and whose offsets were handed over for commit.</summary>
    public long Committed => Interlocked.Read(ref _committed);

    /// <summary>Events on which a detector threw (the event is still committed; the error is logged).</summary>
    public long DetectorFailures => Interlocked.Read(ref _detectorFailures);

    /// <summary>Sink writes that failed and were retried.</summary>
    public long SinkRetries => Interlocked.Read(ref _sinkRetries);

    /// <summary>Agent checkpoints handed to the state changelog.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Bytes of agent checkpoints handed to the state changelog.</summary>
    public long CheckpointBytes => Interlocked.Read(ref _checkpointBytes);

    /// <summary>Every alert raised so far, oldest first.</summary>
    public IReadOnlyList<DriftAlert> Alerts => [.. _alerts];

    /// <summary>Decision events per agent.</summary>
    public IReadOnlyDictionary<string, long> EventsByAgent => new Dictionary<string, long>(_eventsByAgent, StringComparer.Ordinal);

    internal void CountDecision(string agentId)
    {
        Interlocked.Increment(ref _events);
        _eventsByAgent.AddOrUpdate(agentId, 1, static (_, n) => n + 1);
    }

    internal void CountState() => Interlocked.Increment(ref _stateEvents);

    internal void CountDeadLetter() => Interlocked.Increment(ref _deadLettered);

    internal void CountDeadLetterSkipped() => Interlocked.Increment(ref _deadLettersSkipped);

    internal void CountCommitted(int count) => Interlocked.Add(ref _committed, count);

    internal void CountDetectorFailure() => Interlocked.Increment(ref _detectorFailures);

    internal void CountSinkRetry() => Interlocked.Increment(ref _sinkRetries);

    internal void AddAlert(DriftAlert alert) => _alerts.Enqueue(alert);

    internal void CountCheckpoints(int count, long bytes)
    {
        Interlocked.Add(ref _checkpoints, count);
        Interlocked.Add(ref _checkpointBytes, bytes);
    }
}
