using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Producing;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Kafka.State;

/// <summary>
/// Agents' checkpoints in a compacted changelog topic, the Kafka Streams way: the value for an agent goes to
/// the changelog partition with the number of the agent's input partition, and when this instance is assigned
/// an input partition it reads that changelog partition to its end before the partition's first message is
/// processed. It keeps an index from agent to the offset of its latest checkpoint, plus the bytes of recent
/// ones up to <see cref="StateOptions.RestoreCacheBytes"/>; older ones are fetched by offset when their agent
/// returns, so memory stays bounded however many agents the partitions hold.
/// </summary>
public sealed partial class KafkaStateStore : IAgentStateStore, IPartitionListener, IDisposable
{
    private readonly StateOptions _options;
    private readonly ILogger _logger;
    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly IConsumer<byte[]?, byte[]> _reader;
    private readonly Lock _readerGate = new();
    private readonly ConcurrentDictionary<string, Entry> _index = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _cached = new();
    private readonly ConcurrentDictionary<int, bool> _owned = new();
    private long _cachedBytes;
    private long _restored;
    private long _written;
    private long _writtenBytes;
    private int _changelogPartitions = -1;
    private int _assignments;
    private int _restoring;

    /// <summary>Creates the store; <see cref="Initialize"/> checks the topic.</summary>
    public KafkaStateStore(string bootstrapServers, StateOptions options, IDictionary<string, string>? extra, ILogger<KafkaStateStore> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _options = options;
        _logger = logger;
        var producerSettings = new Dictionary<string, string>(extra ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["compression.type"] = "lz4",
            ["message.max.bytes"] = (16 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["linger.ms"] = "2",
        };
        _producer = KafkaProducerFactory.Create(bootstrapServers, "driftwatch-state", producerSettings);
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "driftwatch-state-restore",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            FetchMaxBytes = 64 << 20,
            MaxPartitionFetchBytes = 16 << 20,
            ClientId = $"driftwatch-state-{Environment.ProcessId}",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            config.Set(key, value);
        }

        _reader = new ConsumerBuilder<byte[]?, byte[]>(config).Build();
    }

    /// <summary>Whether the changelog topic exists; without it nothing is checkpointed (logged once).</summary>
    public bool Available => _changelogPartitions > 0;

    /// <summary>Agents whose checkpoints were found while restoring partitions.</summary>
    public long Restored => Interlocked.Read(ref _restored);

    /// <summary>Checkpoints written.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Bytes of checkpoints written.</summary>
    public long WrittenBytes => Interlocked.Read(ref _writtenBytes);

    /// <summary>
    /// Whether the checkpoints of this instance's partitions are indexed: false until the first assignment was
    /// restored and while a later one is being restored. Thread-safe; the rollback catalog reads it to tell an
    /// agent not known yet from one that is unknown.
    /// </summary>
    public bool AssignmentRestored => Volatile.Read(ref _assignments) > 0 && Volatile.Read(ref _restoring) == 0;

    /// <summary>Agents known to the index (in memory or not).</summary>
    public int IndexedAgents => _index.Count;

    /// <summary>Looks the changelog topic up; returns false (and logs how to create it) when it is missing.</summary>
    public bool Initialize()
    {
        try
        {
            using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();
            // All topics' metadata: asking for one topic by name would create it where brokers auto-create.
            var metadata = admin.GetMetadata(_options.RestoreTimeout);
            var topic = metadata.Topics.FirstOrDefault(t => t.Topic == _options.Topic);
            if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
            {
                LogTopicMissing(_options.Topic);
                return false;
            }

            _changelogPartitions = topic.Partitions.Count;
            LogTopicFound(_options.Topic, _changelogPartitions);
            return true;
        }
        catch (KafkaException ex)
        {
            LogTopicMissing(_options.Topic);
            LogReadFailed(ex, _options.Topic, -1);
            return false;
        }
    }

    /// <inheritdoc />
    public void OnAssigned(IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        Interlocked.Increment(ref _restoring);
        try
        {
            if (Available)
            {
                RestoreAssigned(partitions);
            }
        }
        finally
        {
            Interlocked.Increment(ref _assignments);
            Interlocked.Decrement(ref _restoring);
        }
    }

    private void RestoreAssigned(IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        foreach (var (_, partition) in partitions)
        {
            if (partition >= _changelogPartitions)
            {
                LogTooFewPartitions(_options.Topic, _changelogPartitions, partition);
                continue;
            }

            _owned[partition] = true;
            var started = Environment.TickCount64;
            int agents = RestorePartition(partition);
            LogPartitionRestored(_options.Topic, partition, agents, Environment.TickCount64 - started);
        }
    }

    /// <inheritdoc />
    public void OnReleased(IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var released = partitions.Select(p => p.Partition).ToHashSet();
        foreach (int partition in released)
        {
            _owned.TryRemove(partition, out _);
        }

        foreach (var (agent, entry) in _index)
        {
            if (released.Contains(entry.Partition) && _index.TryRemove(agent, out var removed) && removed.Bytes is { } bytes)
            {
                Interlocked.Add(ref _cachedBytes, -bytes.Length);
            }
        }
    }

    /// <inheritdoc />
    public byte[]? Load(string agentId)
    {
        if (!_index.TryGetValue(agentId, out var entry))
        {
            return null;
        }

        if (entry.Bytes is { } cached)
        {
            return cached;
        }

        return entry.Offset >= 0 ? Fetch(agentId, entry.Partition, entry.Offset) : null;
    }

    /// <inheritdoc />
    public void Stage(string agentId, int partition, byte[] value) => Remember(agentId, partition, -1, value);

    /// <inheritdoc />
    public async Task WriteAsync(IReadOnlyList<AgentStateRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0 || !Available)
        {
            return;
        }

        var deliveries = new Task<DeliveryResult<byte[]?, byte[]>>[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var message = new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(record.AgentId), Value = record.Value };
            deliveries[i] = _producer.ProduceAsync(new TopicPartition(_options.Topic, record.Partition), message, cancellationToken);
        }

        await Task.WhenAll(deliveries).ConfigureAwait(false);
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i];
            Interlocked.Increment(ref _written);
            Interlocked.Add(ref _writtenBytes, record.Value.Length);
            if (_owned.ContainsKey(record.Partition))
            {
                Remember(record.AgentId, record.Partition, deliveries[i].Result.Offset.Value, record.Value);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
        lock (_readerGate)
        {
            _reader.Close();
            _reader.Dispose();
        }
    }

    private int RestorePartition(int partition)
    {
        var topicPartition = new TopicPartition(_options.Topic, partition);
        lock (_readerGate)
        {
            var watermarks = _reader.QueryWatermarkOffsets(topicPartition, _options.RestoreTimeout);
            if (watermarks.High.Value <= watermarks.Low.Value)
            {
                return 0;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            _reader.Assign(new TopicPartitionOffset(topicPartition, watermarks.Low));
            try
            {
                var deadline = Environment.TickCount64 + (long)_options.RestoreTimeout.TotalMilliseconds;
                long next = watermarks.Low.Value;
                while (next < watermarks.High.Value && Environment.TickCount64 < deadline)
                {
                    var result = _reader.Consume(TimeSpan.FromMilliseconds(200));
                    if (result?.Message is null)
                    {
                        continue;
                    }

                    next = result.Offset.Value + 1;
                    if (result.Message.Key is not { Length: > 0 } key)
                    {
                        continue;
                    }

                    string agent = Encoding.UTF8.GetString(key);
                    if (result.Message.Value is not { Length: > 0 } value)
                    {
                        Forget(agent); // a tombstone
                        continue;
                    }

                    Remember(agent, partition, result.Offset.Value, value);
                    seen.Add(agent);
                }

                if (next < watermarks.High.Value)
                {
                    LogRestoreIncomplete(_options.Topic, partition, next, watermarks.High.Value);
                }
            }
            catch (KafkaException ex)
            {
                LogReadFailed(ex, _options.Topic, partition);
            }
            finally
            {
                _reader.Unassign();
            }

            Interlocked.Add(ref _restored, seen.Count);
            return seen.Count;
        }
    }

    private byte[]? Fetch(string agentId, int partition, long offset)
    {
        lock (_readerGate)
        {
            try
            {
                _reader.Assign(new TopicPartitionOffset(_options.Topic, partition, offset));
                var deadline = Environment.TickCount64 + (long)_options.RestoreTimeout.TotalMilliseconds;
                while (Environment.TickCount64 < deadline)
                {
                    var result = _reader.Consume(TimeSpan.FromMilliseconds(200));
                    if (result?.Message is null)
                    {
                        continue;
                    }

                    if (result.Offset.Value == offset && result.Message.Key is { } key && Encoding.UTF8.GetString(key) == agentId)
                    {
                        return result.Message.Value;
                    }

                    break;
                }

                LogFetchMissed(agentId, _options.Topic, partition, offset);
                return null;
            }
            catch (KafkaException ex)
            {
                LogReadFailed(ex, _options.Topic, partition);
                return null;
            }
            finally
            {
                _reader.Unassign();
            }
        }
    }

    private void Remember(string agentId, int partition, long offset, byte[] value)
    {
        var entry = new Entry(partition, offset, value);
        _index.AddOrUpdate(
            agentId,
            entry,
            (_, old) =>
            {
                if (old.Bytes is { } previous)
                {
                    Interlocked.Add(ref _cachedBytes, -previous.Length);
                }

                return entry;
            });
        Interlocked.Add(ref _cachedBytes, value.Length);
        _cached.Enqueue(agentId);
        Trim();
    }

    private void Forget(string agentId)
    {
        if (_index.TryRemove(agentId, out var removed) && removed.Bytes is { } bytes)
        {
            Interlocked.Add(ref _cachedBytes, -bytes.Length);
        }
    }

    // Drops the bytes of the oldest cached checkpoints that are durable (their offset is known) until the cache fits.
    private void Trim()
    {
        int attempts = _cached.Count;
        while (Interlocked.Read(ref _cachedBytes) > _options.RestoreCacheBytes && attempts-- > 0 && _cached.TryDequeue(out var agent))
        {
            if (_index.TryGetValue(agent, out var entry) && entry.Bytes is { } bytes)
            {
                if (entry.Offset < 0)
                {
                    _cached.Enqueue(agent); // not durable yet: keep it
                    continue;
                }

                if (_index.TryUpdate(agent, entry with { Bytes = null }, entry))
                {
                    Interlocked.Add(ref _cachedBytes, -bytes.Length);
                }
            }
        }
    }

    private sealed record Entry(int Partition, long Offset, byte[]? Bytes);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "State changelog {Topic} has {Partitions} partition(s); agents' state is checkpointed there")]
    private partial void LogTopicFound(string topic, int partitions);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "State changelog topic {Topic} does not exist: agents' state is NOT checkpointed and a restart re-learns every agent. Create it compacted, with as many partitions as the input topic (docs/operations.md)")]
    private partial void LogTopicMissing(string topic);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Restored {Agents} agent(s) from {Topic}[{Partition}] in {Milliseconds} ms")]
    private partial void LogPartitionRestored(string topic, int partition, int agents, long milliseconds);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "State changelog {Topic} has {Partitions} partition(s), too few for input partition {Partition}: its agents' state is not checkpointed")]
    private partial void LogTooFewPartitions(string topic, int partitions, int partition);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Restoring {Topic}[{Partition}] stopped at offset {Reached} of {High} (timeout); agents beyond it re-learn")]
    private partial void LogRestoreIncomplete(string topic, int partition, long reached, long high);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Reading state changelog {Topic}[{Partition}] failed")]
    private partial void LogReadFailed(Exception exception, string topic, int partition);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Checkpoint of agent {AgentId} not found at {Topic}[{Partition}]@{Offset}; the agent re-learns")]
    private partial void LogFetchMissed(string agentId, string topic, int partition, long offset);
}
