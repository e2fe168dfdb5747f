namespace DriftWatch.Service.Pipeline;

/// <summary>Settings of the ingest and detection stream. Validated at start-up.</summary>
public sealed class PipelineOptions
{
    /// <summary>Topic receiving messages that are not valid events. Default <c>agent-decisions.dlq</c>.</summary>
    public string DeadLetterTopic { get; set; } = "agent-decisions.dlq";

    /// <summary>
    /// Invalid messages larger than this are dead-lettered truncated to it, with headers giving their original
    /// size. Default 1 MiB, the event size limit. At least 65536; at most the consumer's <c>fetch.max.bytes</c>.
    /// </summary>
    public int DeadLetterMaxBytes { get; set; } = 1 << 20;

    /// <summary>Topic receiving drift alerts; empty disables it. Default <c>driftwatch-alerts</c>.</summary>
    public string AlertsTopic { get; set; } = "driftwatch-alerts";

    /// <summary>Most events whose results are written (and offsets committed) together. Default 1000.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// Longest an event waits for its batch to fill: the event-to-results delay at low rates, and the commit
    /// delay. Alerts do not wait for it (they are written as soon as detected). Default 20 ms.
    /// </summary>
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Threads a batch of messages is parsed on at once (parsing is stateless; chunks of at least 64 messages
    /// each). Default: the processor count. 1 parses on the stream's own thread. At most 256.
    /// </summary>
    public int ParseWorkers { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Monitors detection is spread over, each owning the agents a stable hash of the agent id gives it and fed
    /// by its own thread; alerts are those of one monitor. Default: the processor count. At most 256. Used by
    /// <c>replay</c>; the Kafka service detects on one thread for now.
    /// </summary>
    public int DetectionWorkers { get; set; } = Environment.ProcessorCount;

    /// <summary>How often pipeline health is written with the results. Default 5 s.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait for in-flight events to finish on shutdown. Default 30 s.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When set, every valid event is appended to this JSONL file before its offset is committed: a
    /// recording that <c>driftwatch replay</c> can audit later.
    /// </summary>
    public string? RecordPath { get; set; }

    /// <summary>Name of this instance in health points. Default: host name and process id.</summary>
    public string InstanceId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Throws with a message naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DeadLetterTopic))
        {
            throw new ArgumentException("Pipeline:DeadLetterTopic must not be empty: invalid messages need somewhere to go.");
        }

        if (DeadLetterMaxBytes is < 65_536 or > 1_000_000_000)
        {
            throw new ArgumentException($"Pipeline:DeadLetterMaxBytes must be between 65536 and 1000000000, got {DeadLetterMaxBytes}.");
        }

        if (BatchSize is < 1 or > 100_000)
        {
            throw new ArgumentException($"Pipeline:BatchSize must be between 1 and 100000, got {BatchSize}.");
        }

        if (ParseWorkers is < 1 or > 256)
        {
            throw new ArgumentException($"Pipeline:ParseWorkers must be between 1 and 256, got {ParseWorkers}.");
        }

        if (DetectionWorkers is < 1 or > 256)
        {
            throw new ArgumentException($"Pipeline:DetectionWorkers must be between 1 and 256, got {DetectionWorkers}.");
        }

        if (BatchInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Pipeline:BatchInterval must be positive.");
        }

        if (HealthInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Pipeline:HealthInterval must be positive.");
        }
    }
}
