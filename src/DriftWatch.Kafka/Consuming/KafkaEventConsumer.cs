using System.Collections.Concurrent;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Kafka.Consuming;

/// <summary>
/// A Kafka consumer in a consumer group, run on its own thread and exposed as a bounded channel, with
/// offsets stored only for messages the stream acknowledges (at-least-once).
/// </summary>
/// <remarks>
/// The Confluent consumer is not thread-safe, so every call to it happens on the consumer thread;
/// acknowledgements from the stream travel to it through a queue. When the channel is full the thread
/// waits in short steps for the stream to take messages; librdkafka's own prefetch queue is bounded, so it
/// stops fetching meanwhile. Only when the stream stays blocked (a sink outage) does the thread pause its
/// partitions and keep polling, so the group sees a live member (a poll blocked for longer than
/// max.poll.interval.ms would trigger a rebalance). Pausing at every full channel would be far slower:
/// librdkafka discards a paused partition's prefetched messages and fetches them again on resume.
/// Messages travel in batches: each poll drains what librdkafka already holds (up to
/// <see cref="MaxBatch"/>) and the bookkeeping (acknowledgements, checkpoint markers, lag) runs once per batch,
/// because per message it cost more processor time than consuming itself.
/// </remarks>
public sealed partial class KafkaEventConsumer : IAsyncDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private const long StallBeforePauseMs = 1000;

    /// <summary>Most messages handed to the stream as one batch.</summary>
    public const int MaxBatch = 512;

    private readonly KafkaConsumerOptions _options;
    private readonly ILogger _logger;
    // Unbounded in batches, bounded in messages by _buffered against BufferCapacity (written only here).
    private readonly Channel<ConsumedMessage[]> _channel;
    private long _buffered;
    private readonly BatchReader _batches;
    private readonly MessageReader _messages;
    private readonly ConcurrentQueue<(TopicPartition Partition, long Next)> _acks = new();
    private readonly Dictionary<TopicPartition, long> _delivered = [];
    private readonly Dictionary<TopicPartition, long> _stored = [];
    private readonly Queue<ConsumedMessage> _pending = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IConsumer<byte[]?, byte[]> _consumer;
    private Thread? _thread;
    private volatile bool _stopFetching;
    private volatile bool _closeRequested;
    private bool _paused;
    private long _fullSince = -1;
    private long _consumed;
    private long _acknowledged;
    private long _nextLagReading;
    private long _nextCheckpoint;
    private bool _deliveredSinceCheckpoint;
    private bool _finalMarkersQueued;
    private IPartitionListener? _listener;
    private readonly ConsumerLagReader _lagReader;
    private bool _assignmentChanged;
    private long _skipped;
    private ErrorCode _lastConsumeError = ErrorCode.NoError;

    /// <summary>Creates the consumer; call <see cref="Start"/> to join the group.</summary>
    public KafkaEventConsumer(KafkaConsumerOptions options, ILogger<KafkaEventConsumer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _options = options;
        _logger = logger;
        _channel = Channel.CreateUnbounded<ConsumedMessage[]>(new UnboundedChannelOptions
        {
            SingleWriter = true,
            SingleReader = true,
        });
        _batches = new BatchReader(this);
        _messages = new MessageReader(this);

        _consumer = new ConsumerBuilder<byte[]?, byte[]>(ConsumerConfigFor(options))
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition).ToList()))
            .SetPartitionsLostHandler((_, partitions) => OnLost(partitions.Select(p => p.TopicPartition).ToList()))
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => LogClient(message.Level, message.Facility, message.Message))
            .Build();
        _lagReader = new ConsumerLagReader(options, TimeSpan.FromSeconds(1), logger);
    }

    /// <summary>The librdkafka configuration of the consumer for <paramref name="options"/>, <c>Kafka:Extra</c> applied last.</summary>
    internal static ConsumerConfig ConsumerConfigFor(KafkaConsumerOptions options)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.GroupId,
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = (int)options.CommitInterval.TotalMilliseconds,
            AutoOffsetReset = options.StartFromEarliest ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
            EnablePartitionEof = false,
            // Incremental rebalances: a member joining or leaving moves only the partitions that change owner,
            // so the others keep their agents' state in memory and keep consuming meanwhile.
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            FetchWaitMaxMs = (int)options.FetchWait.TotalMilliseconds,
            FetchQueueBackoffMs = (int)options.FetchQueueBackoff.TotalMilliseconds,
            ClientId = $"driftwatch-{Environment.MachineName}-{Environment.ProcessId}",
        };
        foreach (var (key, value) in options.Extra)
        {
            config.Set(key, value);
        }

        return config;
    }

    /// <summary>
    /// Messages one at a time, in partition order; completes when fetching stops. Its count is the messages
    /// waiting in the buffer. Read either this or <see cref="Batches"/>, not both.
    /// </summary>
    public ChannelReader<ConsumedMessage> Reader => _messages;

    /// <summary>
    /// Messages in batches of up to <see cref="MaxBatch"/>, each in partition order, batches in the order
    /// fetched; completes when fetching stops. The stream's source: one hand-over per batch, not per message.
    /// </summary>
    public ChannelReader<IReadOnlyList<ConsumedMessage>> Batches => _batches;

    /// <summary>Messages waiting in the buffer for the stream.</summary>
    public int Buffered => (int)Interlocked.Read(ref _buffered);

    /// <summary>
    /// Messages not yet processed on this member's partitions: log end offsets minus the next offset to
    /// process, from watermark and committed-offset queries at most about a second old (paused partitions
    /// included).
    /// </summary>
    public long Lag => _lagReader.Lag;

    /// <summary>
    /// Messages that expired from their topic before this consumer read them (it was reset to the earliest
    /// offset still there); each skip is logged as a warning with its count.
    /// </summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Messages handed to the stream so far.</summary>
    public long Consumed => Interlocked.Read(ref _consumed);

    /// <summary>Messages the stream acknowledged so far.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Task that completes when the consumer has committed and left the group.</summary>
    public Task Closed => _closed.Task;

    /// <summary>
    /// When positive, a <see cref="MessageControl.Checkpoint"/> marker is put in every assigned partition's
    /// message order this often (while messages flow), and once more before the stream completes on a
    /// clean stop; revoked partitions get <see cref="MessageControl.Release"/> and lost ones
    /// <see cref="MessageControl.Drop"/>. Zero (the default) sends no markers.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; }

    /// <summary>Sets who hears about assigned and released partitions; call before <see cref="Start"/>.</summary>
    public void SetPartitionListener(IPartitionListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (_thread is not null)
        {
            throw new InvalidOperationException("Set the partition listener before starting the consumer.");
        }

        _listener = listener;
    }

    /// <summary>
    /// Marks partitions as processed up to (not including) the given offsets, which become committable.
    /// Callable from any thread. Lower offsets than already stored are ignored.
    /// </summary>
    public void AcknowledgeOffsets(IReadOnlyList<(string Topic, int Partition, long Next)> positions, int messages)
    {
        ArgumentNullException.ThrowIfNull(positions);
        foreach (var (topic, partition, next) in positions)
        {
            _acks.Enqueue((new TopicPartition(topic, partition), next));
        }

        Interlocked.Add(ref _acknowledged, messages);
    }

    /// <summary>Joins the group and starts fetching on a dedicated thread.</summary>
    public void Start()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("The consumer has already been started.");
        }

        _consumer.Subscribe(_options.Topics);
        _lagReader.Start();
        _thread = new Thread(Run) { IsBackground = true, Name = "driftwatch-kafka-consumer" };
        _thread.Start();
    }

    /// <summary>
    /// Marks messages as fully processed: their results are written. Their offsets become committable.
    /// Callable from any thread; messages of one partition must be acknowledged in order.
    /// </summary>
    public void Acknowledge(IReadOnlyList<ConsumedMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        // Messages of a partition arrive in order, so its last one in the list stands for all of them.
        ConsumedMessage? previous = null;
        foreach (var message in messages)
        {
            if (previous is not null && (previous.Partition != message.Partition || !string.Equals(previous.Topic, message.Topic, StringComparison.Ordinal)))
            {
                _acks.Enqueue((new TopicPartition(previous.Topic, previous.Partition), previous.Offset + 1));
            }

            previous = message;
        }

        if (previous is not null)
        {
            _acks.Enqueue((new TopicPartition(previous.Topic, previous.Partition), previous.Offset + 1));
        }

        Interlocked.Add(ref _acknowledged, messages.Count);
    }

    /// <summary>Stops taking new messages; the channel completes so the stream can drain.</summary>
    public void StopFetching() => _stopFetching = true;

    /// <summary>
    /// Commits what was acknowledged and leaves the group. Call after the stream has drained, so that
    /// everything it finished is committed.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        _stopFetching = true;
        _closeRequested = true;
        if (_thread is null)
        {
            _consumer.Dispose();
            await _lagReader.DisposeAsync().ConfigureAwait(false);
            _closed.TrySetResult();
            return;
        }

        await _closed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _lagReader.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    private void Run()
    {
        try
        {
            while (!_closeRequested)
            {
                StoreAcknowledged();
                if (_stopFetching)
                {
                    // A clean stop checkpoints every partition's state after its last delivered message.
                    if (!_finalMarkersQueued)
                    {
                        _finalMarkersQueued = true;
                        if (CheckpointInterval > TimeSpan.Zero)
                        {
                            QueueMarkers(_consumer.Assignment, MessageControl.Checkpoint);
                        }
                    }

                    FlushPending();
                    if (_pending.Count == 0)
                    {
                        _channel.Writer.TryComplete();
                    }

                    Thread.Sleep(5);
                    continue;
                }

                QueuePeriodicCheckpoint();
                FlushPending();
                if (_pending.Count > 0 && !_paused)
                {
                    // The stream is behind for now. Waiting a millisecond at a time costs no throughput as
                    // long as the channel holds more than the stream takes in a millisecond.
                    Thread.Sleep(1);
                    continue;
                }

                ReadLag();
                var result = ConsumeOrReport(_paused ? TimeSpan.FromMilliseconds(20) : PollTimeout);
                KeepAssignmentPaused();
                if (result?.Message is not null)
                {
                    _pending.Enqueue(ToMessage(result));

                    // Take what librdkafka already fetched without waiting, so the bookkeeping above and the
                    // hand-over below run once per batch.
                    while (!_paused && _pending.Count < MaxBatch && ConsumeOrReport(TimeSpan.Zero) is { Message: not null } more)
                    {
                        _pending.Enqueue(ToMessage(more));
                    }

                    KeepAssignmentPaused();
                    FlushPending();
                }
            }

            StoreAcknowledged();
            CommitStored();
            _consumer.Close();
            LogClosed(_options.GroupId, Consumed, Acknowledged);
        }
        catch (Exception ex) when (ex is KafkaException or InvalidOperationException)
        {
            LogConsumerFailed(ex);
            _channel.Writer.TryComplete(ex);
        }
        finally
        {
            _channel.Writer.TryComplete();
            _consumer.Dispose();
            _closed.TrySetResult();
        }
    }

    private void FlushPending()
    {
        while (_pending.Count > 0)
        {
            int room = _options.BufferCapacity - (int)Interlocked.Read(ref _buffered);
            int take = Math.Min(Math.Min(room, _pending.Count), MaxBatch);
            if (take <= 0)
            {
                break;
            }

            var batch = new ConsumedMessage[take];
            for (int i = 0; i < take; i++)
            {
                batch[i] = _pending.Dequeue();
            }

            // Bookkeeping first: once written, the batch belongs to the reader.
            Delivered(batch);
            Interlocked.Add(ref _buffered, take);
            _channel.Writer.TryWrite(batch); // unbounded: always taken
        }

        if (_pending.Count == 0)
        {
            _fullSince = -1;
            if (_paused && Interlocked.Read(ref _buffered) < _options.BufferCapacity / 2)
            {
                _consumer.Resume(_consumer.Assignment);
                _paused = false;
            }

            return;
        }

        var now = Environment.TickCount64;
        if (_fullSince < 0)
        {
            _fullSince = now;
        }

        if (!_paused && now - _fullSince >= StallBeforePauseMs)
        {
            _consumer.Pause(_consumer.Assignment);
            _paused = true;
        }
    }

    /// <summary>
    /// Records what a batch delivered: per run of consecutive offsets of one partition, one expiry check and
    /// one update of the partition's last delivered offset, instead of one per message.
    /// </summary>
    private void Delivered(ConsumedMessage[] batch)
    {
        ConsumedMessage? last = null;
        int count = 0;
        foreach (var message in batch)
        {
            if (message.IsControl)
            {
                continue;
            }

            count++;
            if (last is not null && last.Partition == message.Partition && message.Offset == last.Offset + 1
                && string.Equals(last.Topic, message.Topic, StringComparison.Ordinal))
            {
                last = message;
                continue;
            }

            if (last is not null)
            {
                _delivered[new TopicPartition(last.Topic, last.Partition)] = last.Offset;
            }

            CountExpired(new TopicPartition(message.Topic, message.Partition), message.Offset);
            last = message;
        }

        if (last is not null)
        {
            _delivered[new TopicPartition(last.Topic, last.Partition)] = last.Offset;
            _deliveredSinceCheckpoint = true;
            Interlocked.Add(ref _consumed, count);
        }
    }

    private static ConsumedMessage ToMessage(ConsumeResult<byte[]?, byte[]> result) => new(
        result.Topic,
        result.Partition.Value,
        result.Offset.Value,
        result.Message.Key,
        result.Message.Value ?? [],
        result.Message.Timestamp.UnixTimestampMs == 0
            ? DateTimeOffset.UnixEpoch
            : DateTimeOffset.FromUnixTimeMilliseconds(result.Message.Timestamp.UnixTimestampMs),
        MessageControl.None,
        // Kept only when present: the trace context of the agent that produced the event is read from them.
        result.Message.Headers is { Count: > 0 } headers ? headers : null);

    private void QueuePeriodicCheckpoint()
    {
        if (CheckpointInterval <= TimeSpan.Zero)
        {
            return;
        }

        var now = Environment.TickCount64;
        if (now < _nextCheckpoint)
        {
            return;
        }

        _nextCheckpoint = now + (long)CheckpointInterval.TotalMilliseconds;
        if (_deliveredSinceCheckpoint)
        {
            _deliveredSinceCheckpoint = false;
            QueueMarkers(_consumer.Assignment, MessageControl.Checkpoint);
        }
    }

    private void QueueMarkers(IEnumerable<TopicPartition> partitions, MessageControl control)
    {
        foreach (var partition in partitions)
        {
            _pending.Enqueue(ConsumedMessage.Marker(partition.Topic, partition.Partition.Value, control));
        }
    }

    private void StoreAcknowledged()
    {
        if (_acks.IsEmpty)
        {
            return;
        }

        var latest = new Dictionary<TopicPartition, long>();
        while (_acks.TryDequeue(out var ack))
        {
            latest[ack.Partition] = latest.TryGetValue(ack.Partition, out var seen) ? Math.Max(seen, ack.Next) : ack.Next;
        }

        foreach (var (partition, next) in latest)
        {
            if (_stored.TryGetValue(partition, out var stored) && stored >= next)
            {
                continue;
            }

            try
            {
                _consumer.StoreOffset(new TopicPartitionOffset(partition, next));
                _stored[partition] = next;
            }
            catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_State)
            {
                // The partition moved to another member; it resumes from the last commit (at-least-once).
                LogAckForRevoked(partition.Topic, partition.Partition.Value, next);
            }
        }
    }

    private void CommitStored()
    {
        try
        {
            _consumer.Commit();
        }
        catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing new to commit.
        }
        catch (KafkaException ex)
        {
            LogCommitFailed(ex);
        }
    }

    private void ReadLag()
    {
        var now = Environment.TickCount64;
        if (now < _nextLagReading)
        {
            return;
        }

        // Only hand over what this thread knows; the watermark and commit queries run on the lag reader's
        // own client, so a slow cluster never holds this thread (and paused partitions are read too).
        _nextLagReading = now + 500;
        _lagReader.Publish(_consumer.Assignment, new Dictionary<TopicPartition, long>(_stored));
    }

    /// <summary>
    /// Consumer errors that are not fatal (a subscribed topic missing or deleted, not authorized yet) are
    /// reported once per kind and consumption goes on: the client recovers when the cause is fixed, while
    /// ending the thread would stop the service.
    /// </summary>
    private ConsumeResult<byte[]?, byte[]>? ConsumeOrReport(TimeSpan timeout)
    {
        try
        {
            var result = _consumer.Consume(timeout);
            if (result?.Message is not null)
            {
                _lastConsumeError = ErrorCode.NoError;
            }

            return result;
        }
        catch (ConsumeException ex) when (!ex.Error.IsFatal)
        {
            if (ex.Error.Code != _lastConsumeError)
            {
                _lastConsumeError = ex.Error.Code;
                LogConsumeError(ex.Error.Code.ToString(), ex.Error.Reason);
            }

            return null;
        }
    }

    /// <summary>
    /// After an assignment, pause all of it when the stream is stalled and resume all of it otherwise, so no
    /// partition is left paused for good whatever pause state librdkafka kept for it.
    /// </summary>
    private void KeepAssignmentPaused()
    {
        if (!_assignmentChanged)
        {
            return;
        }

        _assignmentChanged = false;
        var assignment = _consumer.Assignment;
        if (assignment.Count == 0)
        {
            return;
        }

        if (_paused)
        {
            _consumer.Pause(assignment);
        }
        else
        {
            _consumer.Resume(assignment);
        }
    }

    /// <summary>
    /// A jump past offsets this consumer never saw, to where the topic now starts, means they expired before
    /// they were read (the mock cluster keeps about 5 MB per partition; real topics have retention) and
    /// librdkafka reset to the earliest offset. Other gaps (transaction markers, compaction) are not losses.
    /// </summary>
    private void CountExpired(TopicPartition partition, long offset)
    {
        long expected;
        if (_delivered.TryGetValue(partition, out var last))
        {
            expected = last + 1;
        }
        else if (_lagReader.Committed.TryGetValue(partition, out var committed))
        {
            expected = committed;
        }
        else
        {
            return;
        }

        if (offset <= expected)
        {
            return;
        }

        var low = _consumer.GetWatermarkOffsets(partition).Low;
        if (low == Offset.Unset || expected >= low.Value)
        {
            return;
        }

        var count = offset - expected;
        var total = Interlocked.Add(ref _skipped, count);
        LogExpired(count, partition.Topic, partition.Partition.Value, expected, offset - 1, total);
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        LogAssigned(partitions.Count, string.Join(", ", partitions.Select(p => $"{p.Topic}[{p.Partition.Value}]")));
        _listener?.OnAssigned(partitions.Select(p => (p.Topic, p.Partition.Value)).ToList());

        // A new assignment starts unpaused, partitions kept by a cooperative rebalance stay paused, and one
        // paused, revoked and assigned again may come back paused: once the assignment is in place, the
        // consumer thread puts all of it in one state, so the next resume covers every partition.
        _assignmentChanged = true;
    }

    private void OnRevoked(List<TopicPartition> partitions)
    {
        // Let messages of these partitions that are already in the stream finish, so their offsets are
        // committed before another member takes over; beyond the drain timeout they are redelivered.
        // With checkpointing, a Release marker follows their last message: the stream checkpoints the
        // partitions' state, lets go of it, and acknowledges up to the end once the checkpoint is durable.
        var deadline = Environment.TickCount64 + (long)_options.DrainTimeout.TotalMilliseconds;
        if (CheckpointInterval > TimeSpan.Zero)
        {
            QueueMarkers(partitions, MessageControl.Release);
        }

        while (Environment.TickCount64 < deadline && !(AllAcknowledged(partitions) && !HasPendingMarkers(partitions)))
        {
            StoreAcknowledged();
            FlushPending();
            Thread.Sleep(5);
        }

        StoreAcknowledged();
        RemovePending(partitions);
        CommitStored();
        foreach (var partition in partitions)
        {
            _delivered.Remove(partition);
            _stored.Remove(partition);
        }

        _listener?.OnReleased(partitions.Select(p => (p.Topic, p.Partition.Value)).ToList());

        LogRevoked(partitions.Count, string.Join(", ", partitions.Select(p => $"{p.Topic}[{p.Partition.Value}]")));
    }

    private void OnLost(List<TopicPartition> partitions)
    {
        RemovePending(partitions);
        foreach (var partition in partitions)
        {
            _delivered.Remove(partition);
            _stored.Remove(partition);
        }

        // Another member owns them now: let go of their state without writing it.
        _listener?.OnReleased(partitions.Select(p => (p.Topic, p.Partition.Value)).ToList());
        if (CheckpointInterval > TimeSpan.Zero)
        {
            QueueMarkers(partitions, MessageControl.Drop);
        }

        LogLost(partitions.Count);
    }

    private bool AllAcknowledged(List<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            if (_delivered.TryGetValue(partition, out var delivered)
                && (!_stored.TryGetValue(partition, out var stored) || stored <= delivered))
            {
                return false;
            }
        }

        return true;
    }

    private bool HasPendingMarkers(List<TopicPartition> partitions) =>
        _pending.Any(p => p.IsControl && partitions.Contains(new TopicPartition(p.Topic, p.Partition)));

    private void RemovePending(List<TopicPartition> partitions)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        // Markers stay: the stream must still see that it released these partitions.
        var keep = _pending.Where(p => p.IsControl || !partitions.Contains(new TopicPartition(p.Topic, p.Partition))).ToList();
        _pending.Clear();
        foreach (var item in keep)
        {
            _pending.Enqueue(item);
        }
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            LogFatal(error.Code.ToString(), error.Reason);
            _channel.Writer.TryComplete(new KafkaException(error));
            _closeRequested = true;
        }
        else
        {
            LogTransient(error.Code.ToString(), error.Reason);
        }
    }

    private void LogClient(SyslogLevel level, string facility, string message)
    {
        if (level <= SyslogLevel.Warning)
        {
            LogLibrdkafka(facility, message);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Assigned {Count} partition(s): {Partitions}")]
    private partial void LogAssigned(int count, string partitions);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Revoked {Count} partition(s) after draining in-flight messages: {Partitions}")]
    private partial void LogRevoked(int count, string partitions);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Lost {Count} partition(s); their uncommitted messages will be redelivered to the new owner")]
    private partial void LogLost(int count);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Acknowledgement for {Topic}[{Partition}] offset {Offset} arrived after revocation; the new owner reprocesses from the last commit")]
    private partial void LogAckForRevoked(string topic, int partition, long offset);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Offset commit failed; it is retried at the next interval")]
    private partial void LogCommitFailed(Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Kafka consumer failed")]
    private partial void LogConsumerFailed(Exception exception);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Critical, Message = "Fatal Kafka error {Code}: {Reason}")]
    private partial void LogFatal(string code, string reason);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Kafka error {Code}: {Reason} (the client retries)")]
    private partial void LogTransient(string code, string reason);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Consumer left group {GroupId}: {Consumed} consumed, {Acknowledged} acknowledged and committed")]
    private partial void LogClosed(string groupId, long consumed, long acknowledged);

    [LoggerMessage(EventId = 1051, Level = LogLevel.Warning, Message = "Skipped {Count} message(s) of {Topic}[{Partition}] (offsets {From}..{To}): they expired from the topic before they were read, so the consumer restarted at the earliest offset still there; {Total} skipped so far")]
    private partial void LogExpired(long count, string topic, int partition, long from, long to, long total);

    [LoggerMessage(EventId = 1054, Level = LogLevel.Warning, Message = "Kafka consumer error {Code}: {Reason} (consumption goes on; logged again only when the error changes)")]
    private partial void LogConsumeError(string code, string reason);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "librdkafka {Facility}: {Message}")]
    private partial void LogLibrdkafka(string facility, string message);
}
