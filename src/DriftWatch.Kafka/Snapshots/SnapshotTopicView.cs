using System.Text;
using Confluent.Kafka;

namespace DriftWatch.Kafka.Snapshots;

/// <summary>
/// The snapshot topic materialised in memory: the last value of every key, read with an assigned consumer
/// (no group, nothing committed) from the beginning up to the high watermarks seen at each refresh. Later
/// refreshes read only the offsets added since, so a long-lived store pays for each message once.
/// </summary>
internal sealed class SnapshotTopicView : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly KafkaSnapshotStoreOptions _options;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly IAdminClient _admin;
    private readonly Dictionary<int, long> _next = [];
    private readonly Dictionary<string, byte[]> _values = new(StringComparer.Ordinal);

    public SnapshotTopicView(KafkaSnapshotStoreOptions options, IAdminClient admin)
    {
        _options = options;
        _admin = admin;
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = "driftwatch-snapshot-store",

            // The client library insists on a group id; with assign() and no commits the group is never joined.
            GroupId = $"driftwatch-snapshot-store-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchMaxBytes = Math.Max(options.MaxMessageBytes, 50 * 1024 * 1024),
            MaxPartitionFetchBytes = options.MaxMessageBytes,
            MessageMaxBytes = options.MaxMessageBytes + 1024,
        };
        foreach (var (key, value) in options.Extra)
        {
            config.Set(key, value);
        }

        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
    }

    /// <summary>Every key and its last value, as of the last refresh.</summary>
    public IReadOnlyDictionary<string, byte[]> Values => _values;

    /// <summary>Reads every partition from where the last refresh stopped to its current high watermark.</summary>
    public void Refresh(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.ReadTimeout;
        var targets = new Dictionary<int, long>();
        foreach (var partition in Partitions())
        {
            var high = _consumer.QueryWatermarkOffsets(new TopicPartition(_options.Topic, partition), _options.ReadTimeout).High.Value;
            if (high > _next.GetValueOrDefault(partition))
            {
                targets[partition] = high;
            }
        }

        if (targets.Count == 0)
        {
            return;
        }

        _consumer.Assign(targets.Keys.Select(p => new TopicPartitionOffset(_options.Topic, p, _next.TryGetValue(p, out var o) ? new Offset(o) : Offset.Beginning)));
        try
        {
            while (targets.Any(t => _next.GetValueOrDefault(t.Key) < t.Value))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Reading snapshot topic {_options.Topic} to its end took longer than SnapshotStore:ReadTimeout ({_options.ReadTimeout}).");
                }

                var result = _consumer.Consume(PollInterval);
                if (result is null || result.IsPartitionEOF)
                {
                    continue;
                }

                Apply(result.Message);
                _next[result.Partition.Value] = result.Offset.Value + 1;
            }
        }
        finally
        {
            _consumer.Unassign();
        }
    }

    /// <summary>Whether the brokers know the topic.</summary>
    public bool TopicExists() => Partitions().Any();

    public void Dispose() => _consumer.Dispose();

    private void Apply(Message<byte[]?, byte[]?> message)
    {
        if (message.Key is null)
        {
            return;
        }

        var key = Encoding.UTF8.GetString(message.Key);
        if (message.Value is null)
        {
            _values.Remove(key);
        }
        else
        {
            _values[key] = message.Value;
        }
    }

    private IEnumerable<int> Partitions()
    {
        var metadata = _admin.GetMetadata(_options.Topic, _options.ReadTimeout);
        var topic = metadata.Topics.SingleOrDefault(t => t.Topic == _options.Topic);
        if (topic is null || topic.Error.Code == ErrorCode.UnknownTopicOrPart)
        {
            return [];
        }

        if (topic.Error.IsError)
        {
            throw new KafkaException(topic.Error);
        }

        return topic.Partitions.Select(static p => p.PartitionId);
    }
}
