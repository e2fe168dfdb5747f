namespace DriftWatch.Kafka.Producing;

/// <summary>Header names on dead-letter messages (docs/contracts.md, "Dead-letter topic").</summary>
public static class DeadLetterHeaders
{
    public const string Error = "driftwatch-error";
    public const string SourceTopic = "driftwatch-source-topic";
    public const string SourcePartition = "driftwatch-source-partition";
    public const string SourceOffset = "driftwatch-source-offset";
    public const string FailedAt = "driftwatch-failed-at";

    /// <summary>Present (value <c>true</c>) when the payload is only the head of the original message.</summary>
    public const string Truncated = "driftwatch-truncated";

    /// <summary>Size in bytes of the original payload; present on truncated dead letters.</summary>
    public const string OriginalSize = "driftwatch-original-size";
}
