using System.Buffers;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Incidents;
using DriftWatch.Core.Replay;
using DriftWatch.Core.Results;
using DriftWatch.Kafka.Tracing;

namespace DriftWatch.Kafka.Producing;

/// <summary>
/// Publishes drift alerts to the alerts topic (key: agent_id), one JSON alert line per message, then the
/// incidents they opened or updated (<c>driftwatch.incident/v1</c>, same key, told apart by the <c>schema</c>
/// field and the <c>schema</c> header).
/// </summary>
/// <remarks>
/// An alert raised in a trace (<see cref="AlertTrace"/>) is published in it: an "alert publish" span when anyone
/// listens to the <c>DriftWatch</c> activity source, and its W3C trace context in the message headers either way.
/// </remarks>
public sealed class KafkaAlertSink : IResultSink
{
    private static readonly ActivitySource Source = new(AlertTrace.ActivitySourceName);
    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly string _topic;
    private readonly AlertTraceRegistry? _traces;

    /// <summary>Creates a sink writing to <paramref name="topic"/>; <paramref name="traces"/> learns each alert's trace, for the webhook.</summary>
    public KafkaAlertSink(IProducer<byte[]?, byte[]> producer, string topic, AlertTraceRegistry? traces = null)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        _producer = producer;
        _topic = topic;
        _traces = traces;
    }

    /// <inheritdoc />
    public string Name => "kafka-alerts";

    /// <inheritdoc />
    public async Task WriteAsync(ResultBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Alerts.Count == 0)
        {
            return;
        }

        var sends = new Task[batch.Alerts.Count];
        for (var i = 0; i < sends.Length; i++)
        {
            var alert = batch.Alerts[i];
            var message = new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(alert.Key.AgentId), Value = ToUtf8(alert) };
            var parent = AlertTrace.Of(alert);
            using var activity = parent == default ? null : Source.StartActivity("alert publish", ActivityKind.Producer, parent);
            var context = activity?.Context ?? parent;
            if (context != default)
            {
                activity?.SetTag("messaging.system", "kafka");
                activity?.SetTag("messaging.destination.name", _topic);
                message.Headers = new Headers();
                KafkaTraceContext.Inject(context, message.Headers);
                _traces?.Record(alert.Key.AgentId, alert.Key.Environment, alert.Feature, context);
            }

            sends[i] = _producer.ProduceAsync(_topic, message, cancellationToken);
        }

        await Task.WhenAll(sends).ConfigureAwait(false);

        // After the alerts they group, so a reader that sees an incident has seen its alerts.
        if (batch.Incidents.Count > 0)
        {
            var incidents = new Task[batch.Incidents.Count];
            for (var i = 0; i < incidents.Length; i++)
            {
                var incident = batch.Incidents[i];
                var buffer = new ArrayBufferWriter<byte>(1024);
                IncidentJson.Write(buffer, incident);
                incidents[i] = _producer.ProduceAsync(
                    _topic,
                    new Message<byte[]?, byte[]>
                    {
                        Key = Encoding.UTF8.GetBytes(incident.Key.AgentId),
                        Value = buffer.WrittenSpan.ToArray(),
                        Headers = new Headers { { "schema", IncidentSchema } },
                    },
                    cancellationToken);
            }

            await Task.WhenAll(incidents).ConfigureAwait(false);
        }
    }

    private static readonly byte[] IncidentSchema = Encoding.UTF8.GetBytes(Incident.SchemaId);

    private static byte[] ToUtf8(DriftAlert alert)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        AlertJson.Write(buffer, alert);
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
        return ValueTask.CompletedTask;
    }
}
