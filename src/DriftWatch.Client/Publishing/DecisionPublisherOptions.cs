using Microsoft.Extensions.Logging;

namespace DriftWatch.Client;

/// <summary>Settings of a <see cref="DecisionPublisher"/>.</summary>
public sealed class DecisionPublisherOptions
{
    /// <summary>DriftWatch's input topic when nothing else is configured.</summary>
    public const string DefaultTopic = "agent-decisions";

    /// <summary>Kafka bootstrap servers (<c>host:port,...</c>). Required.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>The topic DriftWatch consumes decisions from. Default <c>agent-decisions</c>.</summary>
    public string Topic { get; set; } = DefaultTopic;

    /// <summary>
    /// Most events held in memory while not yet acknowledged by Kafka. Past it, <see cref="DecisionPublisher.TryPublish"/>
    /// drops the event and counts it in <see cref="DecisionPublisher.Dropped"/>. Default 10,000.
    /// </summary>
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>How long the producer waits to fill a batch (librdkafka <c>linger.ms</c>). Default 20 ms.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long <see cref="DecisionPublisher.DisposeAsync"/> waits for buffered events to be acknowledged. Default 5 s.</summary>
    public TimeSpan DisposeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Further librdkafka settings (e.g. <c>security.protocol</c>, <c>sasl.*</c>, <c>compression.type</c>), applied
    /// after the client's own, so they win; <c>enable.idempotence</c> stays on unless set here.
    /// </summary>
    public IDictionary<string, string> KafkaConfig { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Clock for events published without a timestamp. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where Kafka errors and undelivered events are logged. Default: nowhere.</summary>
    public ILogger? Logger { get; set; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            throw new ArgumentException("DecisionPublisherOptions.BootstrapServers is required (host:port of the Kafka cluster DriftWatch reads).");
        }

        if (string.IsNullOrWhiteSpace(Topic))
        {
            throw new ArgumentException("DecisionPublisherOptions.Topic must not be empty.");
        }

        if (BufferCapacity < 1)
        {
            throw new ArgumentException($"DecisionPublisherOptions.BufferCapacity must be at least 1, got {BufferCapacity}.");
        }

        if (Linger < TimeSpan.Zero || DisposeTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("DecisionPublisherOptions.Linger and DisposeTimeout must not be negative.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, "DecisionPublisherOptions.TimeProvider");
    }
}
