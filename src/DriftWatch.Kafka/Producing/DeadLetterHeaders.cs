namespace DriftWatch.Kafka.Producing;

/// <summary>Header names on dead-letter messages (docs/contracts.md, "Dead-letter topic").</summary>
public static class DeadLetterHeaders
{
    public const string Error = "driftwatch-error";
    public const string SourceTopic = "driftwatch-source-topic";
    public const string SourcePartition = "driftwatch-source-partition";
    public const string SourceOffset = "driftwatch-source-offset";
    public const string FailedAt = "driftwatch-failed-at";
}
