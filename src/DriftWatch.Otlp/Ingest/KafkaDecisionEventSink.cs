using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Events;

namespace DriftWatch.Otlp.Ingest;

/// <summary>
/// Publishes decision events as <c>driftwatch.decision/v1</c> JSON to the input topic, keyed by agent_id, so
/// events that arrived as spans take the same path as events agents publish themselves: one parse stage, one
/// detection stage, the same checkpoints and the same per-agent ordering (docs/contracts.md).
/// </summary>
public sealed class KafkaDecisionEventSink : IDecisionEventSink
{
    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly string _topic;

    /// <summary>
    /// Publishes with <paramref name="producer"/> (owned by the caller; idempotent with acks=all, as
    /// <c>KafkaProducerFactory.Create</c> builds it, keeps each agent's events in order).
    /// </summary>
    public KafkaDecisionEventSink(IProducer<byte[]?, byte[]> producer, string topic)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        _producer = producer;
        _topic = topic;
    }

    /// <inheritdoc />
    public async Task PublishAsync(IReadOnlyList<DecisionEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        // Produce all, then wait for all: the producer batches and, being idempotent, keeps per-partition order.
        var deliveries = new Task<DeliveryResult<byte[]?, byte[]>>[events.Count];
        for (int i = 0; i < events.Count; i++)
        {
            var message = new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(events[i].AgentId), Value = AgentEventWriter.ToUtf8Bytes(events[i]) };
            deliveries[i] = _producer.ProduceAsync(_topic, message, cancellationToken);
        }

        await Task.WhenAll(deliveries).ConfigureAwait(false);
    }
}
