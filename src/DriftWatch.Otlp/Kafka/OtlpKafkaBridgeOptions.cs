namespace DriftWatch.Otlp.Kafka;

/// <summary>Settings of the OTLP-on-Kafka consumer (section <c>DriftWatch:Otlp:Kafka</c> by convention).</summary>
public sealed class OtlpKafkaBridgeOptions
{
    /// <summary>Kafka bootstrap servers. Required.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Topic the Collector's Kafka exporter writes traces to. Default <c>otlp_spans</c> (the exporter's default).</summary>
    public string Topic { get; set; } = "otlp_spans";

    /// <summary>The exporter's encoding: <c>otlp_proto</c> (default) or <c>otlp_json</c>.</summary>
    public string Encoding { get; set; } = "otlp_proto";

    /// <summary>Consumer group. Default <c>driftwatch-otlp</c>.</summary>
    public string GroupId { get; set; } = "driftwatch-otlp";

    /// <summary>Where payloads that are not OTLP trace data go, unchanged, with the reason in headers. Default <c>otlp_spans.dlq</c>.</summary>
    public string DeadLetterTopic { get; set; } = "otlp_spans.dlq";

    /// <summary>Where a new group starts: the earliest offset (default) or only new messages.</summary>
    public bool StartFromEarliest { get; set; } = true;

    /// <summary>Checks every setting and returns one message per problem, naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            errors.Add("DriftWatch:Otlp:Kafka:BootstrapServers must be set.");
        }

        if (string.IsNullOrWhiteSpace(Topic))
        {
            errors.Add("DriftWatch:Otlp:Kafka:Topic must not be empty.");
        }

        if (Encoding is not ("otlp_proto" or "otlp_json"))
        {
            errors.Add($"DriftWatch:Otlp:Kafka:Encoding must be otlp_proto or otlp_json, got '{Encoding}'.");
        }

        if (string.IsNullOrWhiteSpace(GroupId))
        {
            errors.Add("DriftWatch:Otlp:Kafka:GroupId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(DeadLetterTopic))
        {
            errors.Add("DriftWatch:Otlp:Kafka:DeadLetterTopic must not be empty.");
        }

        return errors;
    }
}
