using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Api.Audit;

/// <summary>
/// Copies audit records to a Kafka topic, keyed by agent id (or source when a record has none). The copy is
/// handed to the producer without waiting for the broker: the local file is the durable record, and an
/// unreachable broker must not hold up a rollback.
/// </summary>
internal sealed partial class KafkaAuditSink : IAuditSink
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly string _topic;
    private readonly ILogger _logger;

    public KafkaAuditSink(IProducer<string, byte[]> producer, string topic, ILogger logger)
    {
        _producer = producer;
        _topic = topic;
        _logger = logger;
    }

    public Task PublishAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var message = new Message<string, byte[]>
        {
            Key = record.AgentId ?? record.Source ?? "driftwatch",
            Value = JsonSerializer.SerializeToUtf8Bytes(record, AuditJson.Options),
        };
        _producer.Produce(_topic, message, report =>
        {
            if (report.Error.IsError)
            {
                LogNotCopied(record.Kind, report.Error.Reason);
            }
        });
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Audit record of kind {Kind} was not copied to Kafka ({Reason}); it is in the local audit file")]
    private partial void LogNotCopied(string kind, string reason);
}
