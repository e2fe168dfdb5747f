namespace DriftWatch.Otlp.Kafka;

/// <summary>Size limits of OTLP ingest on Kafka.</summary>
internal static class OtlpLimits
{
    /// <summary>Largest OTLP Kafka message decoded (64 MiB, far above Kafka's default 1 MB message size).</summary>
    public const int MaxKafkaMessageBytes = 64 << 20;
}
