namespace DriftWatch.Kafka.Consuming;

/// <summary>How DriftWatch consumes agent events. Validated at start-up.</summary>
public sealed class KafkaConsumerOptions
{
    /// <summary>Kafka bootstrap servers. Required.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>Consumer group; instances sharing it split the partitions. Default <c>driftwatch</c>.</summary>
    public string GroupId { get; set; } = "driftwatch";

    /// <summary>Topics to consume. Default <c>agent-decisions</c>.</summary>
    public IList<string> Topics { get; } = ["agent-decisions"];

    /// <summary>
    /// Messages buffered between the consumer thread and the stream. When full, the consumer pauses its
    /// partitions (backpressure) and keeps serving the group protocol. Default 2048.
    /// </summary>
    public int BufferCapacity { get; set; } = 2048;

    /// <summary>How often stored offsets are committed. Default 1 s.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// On revocation or shutdown, how long to wait for in-flight messages of the affected partitions to
    /// finish processing before giving them up (they are then redelivered). Default 10 s.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest a fetch waits at the broker for data (librdkafka fetch.wait.max.ms). Short, because a fetch that
    /// waits delays the first events after a quiet spell, alerts included; the broker answers at once when
    /// data is there, so the setting costs only idle fetch requests. Default 10 ms (librdkafka's own: 500 ms).
    /// </summary>
    public TimeSpan FetchWait { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long librdkafka postpones the next fetch of a partition once its local queue is over its limits
    /// (<c>fetch.queue.backoff.ms</c>). Short, because with librdkafka's own 1 s a backlog that fills the queue faster
    /// than the stream drains it leaves the stream idle for the rest of the second: on the embedded cluster a
    /// 200,000-event topic took 1.2 s to consume with 1 s and 0.3 s with 10 ms. Default 10 ms.
    /// </summary>
    public TimeSpan FetchQueueBackoff { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Where a group with no committed offset starts. Default earliest, so nothing is skipped.</summary>
    public bool StartFromEarliest { get; set; } = true;

    /// <summary>
    /// Create missing topics (the input topics, the dead-letter and alerts topics) with the admin API, with
    /// the broker's default partitions and replication. When false, or when creation fails, the service
    /// waits for the input topics with one log line naming them. Default false.
    /// </summary>
    public bool CreateTopics { get; set; }

    /// <summary>Further librdkafka settings (e.g. security.protocol, sasl.*), passed through unchanged.</summary>
    public IDictionary<string, string> Extra { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Writes the settings every DriftWatch Kafka client shares (bootstrap servers and <see cref="Extra"/>, where
    /// security lives) into a Confluent client config, so producers, consumers and admin clients connect alike.
    /// </summary>
    public void ApplyClientSettings(Confluent.Kafka.ClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.BootstrapServers = BootstrapServers;
        foreach (var (key, value) in Extra)
        {
            config.Set(key, value);
        }
    }

    /// <summary>Throws with a message naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            throw new ArgumentException("Kafka:BootstrapServers is required (or --bootstrap-servers / DRIFTWATCH_BOOTSTRAP_SERVERS).");
        }

        if (string.IsNullOrWhiteSpace(GroupId))
        {
            throw new ArgumentException("Kafka:GroupId must not be empty.");
        }

        if (Topics.Count == 0 || Topics.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Kafka:Topics must list at least one non-empty topic name.");
        }

        if (BufferCapacity is < 1 or > 1_000_000)
        {
            throw new ArgumentException($"Kafka:BufferCapacity must be between 1 and 1000000, got {BufferCapacity}.");
        }

        if (FetchWait < TimeSpan.Zero || FetchWait > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"Kafka:FetchWait must be between 0 and 00:05:00, got {FetchWait}.");
        }

        if (FetchQueueBackoff < TimeSpan.Zero || FetchQueueBackoff > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"Kafka:FetchQueueBackoff must be between 0 and 00:05:00, got {FetchQueueBackoff}.");
        }

        if (CommitInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Kafka:CommitInterval must be positive.");
        }

        if (DrainTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("Kafka:DrainTimeout must not be negative.");
        }
    }
}
