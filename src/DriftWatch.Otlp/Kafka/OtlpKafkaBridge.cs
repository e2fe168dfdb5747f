using Confluent.Kafka;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Producing;
using DriftWatch.Otlp.Decoding;
using DriftWatch.Otlp.Ingest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Otlp.Kafka;

/// <summary>
/// Consumes OTLP traces from Kafka (the Collector's Kafka exporter), and publishes the decision events they
/// hold through an <see cref="IDecisionEventSink"/> (normally the input topic, keyed by agent_id), so they are
/// detected, checkpointed and ordered exactly like events agents publish themselves. A payload that is not
/// OTLP trace data goes to the dead-letter topic unchanged with the reason in headers. A message's offset is
/// stored only after its events (or its dead letter) are acknowledged: at least once, nothing lost.
/// </summary>
public sealed partial class OtlpKafkaBridge
{
    private readonly OtlpKafkaBridgeOptions _options;
    private readonly IDecisionEventSink _sink;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly OtlpEncoding _encoding;
    private readonly ILogger _logger;
    private long _messages;
    private long _events;
    private long _deadLettered;
    private long _rejectedSpans;

    /// <summary>A bridge over validated options; the dead-letter publisher is owned by the caller.</summary>
    /// <exception cref="InvalidOperationException">A setting is invalid; the message names it.</exception>
    public OtlpKafkaBridge(OtlpKafkaBridgeOptions options, IDecisionEventSink sink, DeadLetterPublisher deadLetters, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(deadLetters);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid OTLP Kafka settings: " + string.Join(" ", errors));
        }

        _options = options;
        _sink = sink;
        _deadLetters = deadLetters;
        _encoding = OtlpKafkaDecoder.ParseEncoding(options.Encoding);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Messages fully handled (published or dead-lettered) so far.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Decision events published so far.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Messages sent to the dead-letter topic so far.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Decision spans that could not be mapped so far (logged, not dead-lettered: the message's other spans were published).</summary>
    public long RejectedSpans => Interlocked.Read(ref _rejectedSpans);

    /// <summary>Consumes until <paramref name="cancellationToken"/> is cancelled, then leaves the group.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = _options.GroupId,
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = _options.StartFromEarliest ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
            ClientId = $"driftwatch-otlp-{Environment.MachineName}-{Environment.ProcessId}",
        };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(config).Build();
        consumer.Subscribe(_options.Topic);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Consume blocks; it runs off the caller's thread so the bridge can be awaited beside the API host.
                ConsumeResult<byte[]?, byte[]> result = await Task.Run(() => consumer.Consume(cancellationToken), cancellationToken).ConfigureAwait(false);
                await HandleAsync(result, cancellationToken).ConfigureAwait(false);
                consumer.StoreOffset(result);
                Interlocked.Increment(ref _messages);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: what was handled is stored and committed by Close.
        }
        finally
        {
            consumer.Close();
        }
    }

    private async Task HandleAsync(ConsumeResult<byte[]?, byte[]> result, CancellationToken cancellationToken)
    {
        byte[] value = result.Message.Value ?? [];
        OtlpKafkaMessage decoded = OtlpKafkaDecoder.Decode(value, _encoding);
        if (decoded.Error is not null)
        {
            var consumed = new ConsumedMessage(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key, value, result.Message.Timestamp.UtcDateTime);
            await _deadLetters.PublishAsync(consumed, decoded.Error, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _deadLettered);
            LogDeadLettered(result.Topic, result.Partition.Value, result.Offset.Value, decoded.Error);
            return;
        }

        if (decoded.RejectedSpans > 0)
        {
            Interlocked.Add(ref _rejectedSpans, decoded.RejectedSpans);
            LogRejected(decoded.RejectedSpans, result.Topic, result.Partition.Value, result.Offset.Value, decoded.FirstRejection!);
        }

        await _sink.PublishAsync(decoded.Events, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _events, decoded.Events.Count);
    }

    [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "OTLP message {Topic}[{Partition}]@{Offset} dead-lettered: {Reason}")]
    private partial void LogDeadLettered(string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Warning, Message = "{Rejected} decision span(s) rejected in {Topic}[{Partition}]@{Offset}; first: {Reason}")]
    private partial void LogRejected(long rejected, string topic, int partition, long offset, string reason);
}
