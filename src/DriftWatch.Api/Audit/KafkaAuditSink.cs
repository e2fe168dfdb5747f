using System.Text.Json;
using Confluent.Kafka;

namespace DriftWatch.Api.Audit;

/// <summary>Copies audit records to a Kafka topic, keyed by agent id (or source when a record has none).</summary>
internal sealed class KafkaAuditSink : IAuditSink
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly string _topic;

    public KafkaAuditSink(IProducer<string, byte[]> producer, string topic)
    {
        _producer = producer;
        _topic = topic;
    }

    public async Task PublishAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var message = new Message<string, byte[]>
        {
            Key = record.AgentId ?? record.Source ?? "driftwatch",
            Value = JsonSerializer.SerializeToUtf8Bytes(record, AuditJson.Options),
        };
        await _producer.ProduceAsync(_topic, message, cancellationToken);
    }
}
