using DriftWatch.Kafka.Producing;
using DriftWatch.Otlp.Http;
using DriftWatch.Otlp.Ingest;
using DriftWatch.Otlp.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// OpenTelemetry ingest for <c>run</c> (docs/contracts.md, "OpenTelemetry spans"): the OTLP/HTTP receiver on
/// the API host when <c>Otlp:BearerToken</c> is set, and the OTLP-on-Kafka consumer when
/// <c>Otlp:Kafka:Enabled</c> is true. Both publish decision events to the input topic (the first of
/// <c>Kafka:Topics</c>), keyed by agent_id, so the pipeline detects them like any other event.
/// </summary>
internal sealed class OtlpIngestHosting : IDisposable
{
    private readonly Confluent.Kafka.IProducer<byte[]?, byte[]> _producer;
    private readonly DeadLetterPublisher? _deadLetters;

    private OtlpIngestHosting(Confluent.Kafka.IProducer<byte[]?, byte[]> producer, OtlpHttpReceiver? receiver, OtlpKafkaBridge? bridge, DeadLetterPublisher? deadLetters)
    {
        _producer = producer;
        Receiver = receiver;
        Bridge = bridge;
        _deadLetters = deadLetters;
    }

    internal OtlpHttpReceiver? Receiver { get; }

    internal OtlpKafkaBridge? Bridge { get; }

    /// <summary>Null when neither path is configured.</summary>
    internal static OtlpIngestHosting? Create(DriftWatchSettings settings, ILoggerFactory loggers)
    {
        var section = settings.Configuration.GetSection("Otlp");
        var options = new OtlpIngestOptions();
        section.Bind(options);
        var kafkaOptions = new OtlpKafkaBridgeOptions { BootstrapServers = settings.Kafka.BootstrapServers };
        section.GetSection("Kafka").Bind(kafkaOptions);
        bool http = !string.IsNullOrEmpty(options.BearerToken);
        bool kafka = section.GetValue("Kafka:Enabled", false);
        if (!http && !kafka)
        {
            return null;
        }

        string inputTopic = settings.Kafka.Topics.FirstOrDefault()
            ?? throw new InvalidOperationException("Otlp: Kafka:Topics must name the input topic that decision events from spans are published to.");
        var producer = KafkaProducerFactory.Create(settings.Kafka.BootstrapServers, "driftwatch-otlp", settings.Kafka.Extra);
        var sink = new KafkaDecisionEventSink(producer, inputTopic);
        var receiver = http ? new OtlpHttpReceiver(options, sink, TimeProvider.System, loggers.CreateLogger("DriftWatch.Otlp.Http")) : null;
        DeadLetterPublisher? deadLetters = null;
        OtlpKafkaBridge? bridge = null;
        if (kafka)
        {
            deadLetters = new DeadLetterPublisher(KafkaProducerFactory.Create(settings.Kafka.BootstrapServers, "driftwatch-otlp-dlq", settings.Kafka.Extra), kafkaOptions.DeadLetterTopic, TimeProvider.System, retry: settings.Resilience.DeadLetters);
            bridge = new OtlpKafkaBridge(kafkaOptions, sink, deadLetters, loggers.CreateLogger("DriftWatch.Otlp.Kafka"));
        }

        return new OtlpIngestHosting(producer, receiver, bridge, deadLetters);
    }

    public void Dispose()
    {
        _deadLetters?.Dispose();
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
