namespace DriftWatch.Kafka.Snapshots;

/// <summary>Where and how <see cref="KafkaSnapshotStore"/> keeps snapshots and pins. Validated on construction.</summary>
public sealed class KafkaSnapshotStoreOptions
{
    /// <summary>The topic used when none is given.</summary>
    public const string DefaultTopic = "driftwatch-snapshots";

    /// <summary>Kafka bootstrap servers. Required.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>
    /// The compacted topic holding snapshots (key = snapshot id) and pins (key = <c>pin:&lt;agent&gt;/&lt;environment&gt;</c>).
    /// Default <c>driftwatch-snapshots</c>.
    /// </summary>
    public string Topic { get; set; } = DefaultTopic;

    /// <summary>
    /// Whether to create the topic (<c>cleanup.policy=compact</c>) with the admin API when it does not exist.
    /// Turn off where the client may not create topics, and create it beforehand. Default true.
    /// </summary>
    public bool CreateTopic { get; set; } = true;

    /// <summary>Partitions of a topic the store creates. Default 1 (the store is small and read whole).</summary>
    public int TopicPartitions { get; set; } = 1;

    /// <summary>Replication factor of a topic the store creates; -1 takes the broker default. Default -1.</summary>
    public short TopicReplicationFactor { get; set; } = -1;

    /// <summary>
    /// Largest message the store writes or reads, in bytes; sets the producer's <c>message.max.bytes</c>, the
    /// consumer's fetch sizes and a created topic's <c>max.message.bytes</c>. Snapshots are tens of KB.
    /// Default 1 MiB (Kafka's own default).
    /// </summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a write waits for the brokers to acknowledge it. Default 30 s.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long reading the topic up to its high watermarks (and metadata or admin calls) may take. Default 30 s.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Further librdkafka settings (e.g. security.protocol, sasl.*), passed to every client unchanged.</summary>
    public IDictionary<string, string> Extra { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Throws with a message naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            throw new ArgumentException("SnapshotStore:BootstrapServers is required (or --bootstrap-servers / DRIFTWATCH_BOOTSTRAP_SERVERS).");
        }

        if (string.IsNullOrWhiteSpace(Topic))
        {
            throw new ArgumentException("SnapshotStore:Topic must not be empty.");
        }

        if (TopicPartitions < 1)
        {
            throw new ArgumentException($"SnapshotStore:TopicPartitions must be at least 1, got {TopicPartitions}.");
        }

        if (TopicReplicationFactor is 0 or < -1)
        {
            throw new ArgumentException($"SnapshotStore:TopicReplicationFactor must be -1 (broker default) or at least 1, got {TopicReplicationFactor}.");
        }

        if (MaxMessageBytes is < 64 * 1024 or > 100 * 1024 * 1024)
        {
            throw new ArgumentException($"SnapshotStore:MaxMessageBytes must be between 65536 and 104857600, got {MaxMessageBytes}.");
        }

        if (DeliveryTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"SnapshotStore:DeliveryTimeout must be positive, got {DeliveryTimeout}.");
        }

        if (ReadTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"SnapshotStore:ReadTimeout must be positive, got {ReadTimeout}.");
        }
    }
}
