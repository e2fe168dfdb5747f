using System.Globalization;
using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Events;
using DriftWatch.Core.Resilience;
using DriftWatch.Kafka.Consuming;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace DriftWatch.Kafka.Producing;

/// <summary>
/// Sends messages that are not valid events to the dead-letter topic with the reason and the original
/// position in headers, so each can be inspected or replayed, and no message can stop the stream.
/// </summary>
/// <remarks>
/// A message up to <see cref="MaxPayloadBytes"/> goes unchanged. A larger one (anything the consumer can
/// receive, up to its fetch limit) goes as its head, with headers naming it truncated and its original
/// size; the whole message stays readable at its source offset while the input topic retains it. When the
/// broker refuses a dead letter as too large for the topic, its first <see cref="FallbackPayloadBytes"/>
/// are sent instead. Passing failures (broker down, request timed out) are retried by the Polly pipeline of
/// <c>Resilience:DeadLetters</c>, holding the stream as a failed sink would. Any other refusal is final: the dead letter is skipped and the caller
/// records where the message was, rather than stopping on it at every restart.
/// </remarks>
public sealed partial class DeadLetterPublisher : IDisposable
{
    /// <summary>Payloads up to the event size limit (1 MiB) are dead-lettered whole by default.</summary>
    public const int DefaultMaxPayloadBytes = EventLimits.MaxMessageBytes;

    /// <summary>
    /// What is kept of a payload the broker refused as too large: enough to see what the message was, and
    /// far below any topic's limit.
    /// </summary>
    public const int FallbackPayloadBytes = 64 * 1024;

    /// <summary>Room for key and headers above the payload in the producer's message size limit.</summary>
    private const int EnvelopeBytes = 64 * 1024;

    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<DeadLetterResult> _retry;
    private readonly ILogger _logger;

    /// <summary>Creates a publisher that writes to <paramref name="topic"/>.</summary>
    /// <param name="producer">Producer whose message size limit is at least <see cref="ProducerMessageMaxBytes"/>.</param>
    /// <param name="topic">The dead-letter topic.</param>
    /// <param name="time">Clock for the failed-at header and retry delays.</param>
    /// <param name="maxPayloadBytes">Larger payloads are dead-lettered truncated to this many bytes.</param>
    /// <param name="retry">The retry level of passing failures (<c>Resilience:DeadLetters</c>; default: unlimited, 200 ms doubling up to 10 s).</param>
    /// <param name="logger">Where retries are reported.</param>
    public DeadLetterPublisher(
        IProducer<byte[]?, byte[]> producer,
        string topic,
        TimeProvider time,
        int maxPayloadBytes = DefaultMaxPayloadBytes,
        RetryOptions? retry = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadBytes, FallbackPayloadBytes);
        _producer = producer;
        Topic = topic;
        _time = time;
        MaxPayloadBytes = maxPayloadBytes;
        _logger = logger ?? NullLogger.Instance;
        _retry = RetryPipeline.Build<DeadLetterResult>(
            retry ?? new RetryOptions(),
            static (outcome, ct) => outcome.Exception is ProduceException<byte[]?, byte[]> ex && IsPassing(ex.Error) && !ct.IsCancellationRequested,
            time,
            (_, outcome, delay) => LogRetrying(((ProduceException<byte[]?, byte[]>)outcome.Exception!).Error.Reason, delay.TotalSeconds));
    }

    /// <summary>The dead-letter topic.</summary>
    public string Topic { get; }

    /// <summary>Payloads above this size are dead-lettered truncated.</summary>
    public int MaxPayloadBytes { get; }

    /// <summary>
    /// The producer message size limit that lets a dead letter carry anything the consumer can receive:
    /// the consumer's fetch limit, and at least the payload limit plus room for key and headers.
    /// </summary>
    public static int ProducerMessageMaxBytes(IDictionary<string, string> consumerSettings, int maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        var fetch = (long)KafkaClientLimits.FetchMaxBytes(consumerSettings);
        var needed = Math.Max(fetch, (long)maxPayloadBytes + EnvelopeBytes);
        return (int)Math.Min(needed, KafkaClientLimits.MaxMessageMaxBytes);
    }

    /// <summary>
    /// Completes once the broker has acknowledged the dead letter (whole or truncated), or once it refused
    /// it for good (<see cref="DeadLetterOutcome.Skipped"/>, with the broker's error).
    /// </summary>
    public async Task<DeadLetterResult> PublishAsync(ConsumedMessage message, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            return await _retry.ExecuteAsync(
                static async (state, ct) => await state.Publisher.AttemptAsync(state.Message, state.Reason, ct).ConfigureAwait(false),
                (Publisher: this, Message: message, Reason: reason),
                cancellationToken).ConfigureAwait(false);
        }
        catch (ProduceException<byte[]?, byte[]> ex) when (!IsPassing(ex.Error))
        {
            return new DeadLetterResult(DeadLetterOutcome.Skipped, $"{ex.Error.Code}: {ex.Error.Reason}");
        }
        catch (KafkaException ex) when (ex is not ProduceException<byte[]?, byte[]>)
        {
            return new DeadLetterResult(DeadLetterOutcome.Skipped, $"{ex.Error.Code}: {ex.Error.Reason}");
        }
    }

    /// <summary>
    /// One attempt: the payload (truncated past <see cref="MaxPayloadBytes"/>), and at once its head alone when the
    /// topic refuses it as too large. A passing failure is thrown for the retry pipeline.
    /// </summary>
    private async Task<DeadLetterResult> AttemptAsync(ConsumedMessage message, string reason, CancellationToken cancellationToken)
    {
        var payload = message.Value;
        var limit = MaxPayloadBytes;
        while (true)
        {
            var truncated = payload.Length > limit;
            var value = truncated ? payload.AsSpan(0, limit).ToArray() : payload;
            try
            {
                await _producer.ProduceAsync(
                    Topic,
                    new Message<byte[]?, byte[]> { Key = message.Key, Value = value, Headers = Headers(message, reason, truncated) },
                    cancellationToken).ConfigureAwait(false);
                return new DeadLetterResult(truncated ? DeadLetterOutcome.PublishedTruncated : DeadLetterOutcome.Published, null);
            }
            catch (ProduceException<byte[]?, byte[]> ex) when (IsTooLarge(ex.Error.Code) && limit > FallbackPayloadBytes && payload.Length > FallbackPayloadBytes)
            {
                // The topic's own limit (max.message.bytes) is below ours; its head still tells what it was.
                LogTooLargeForTopic(message.Topic, message.Partition, message.Offset, Topic, FallbackPayloadBytes);
                limit = FallbackPayloadBytes;
            }
            catch (ProduceException<byte[]?, byte[]> ex) when (IsPassing(ex.Error))
            {
                LogAttemptFailed(message.Topic, message.Partition, message.Offset, $"{ex.Error.Code}: {ex.Error.Reason}");
                throw;
            }
        }
    }

    private Headers Headers(ConsumedMessage message, string reason, bool truncated)
    {
        var headers = new Headers
        {
            { DeadLetterHeaders.Error, Encoding.UTF8.GetBytes(reason) },
            { DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(message.Topic) },
            { DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(message.Partition.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(message.Offset.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.FailedAt, Encoding.UTF8.GetBytes(_time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture)) },
        };
        if (truncated)
        {
            headers.Add(DeadLetterHeaders.Truncated, "true"u8.ToArray());
            headers.Add(DeadLetterHeaders.OriginalSize, Encoding.UTF8.GetBytes(message.Value.Length.ToString(CultureInfo.InvariantCulture)));
        }

        return headers;
    }

    private static bool IsTooLarge(ErrorCode code) =>
        code is ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge or ErrorCode.InvalidMsgSize;

    /// <summary>
    /// Failures that end when the cluster recovers. The idempotent producer already retries broker-side
    /// transient errors until its message timeout, so what reaches here is mostly that timeout.
    /// </summary>
    private static bool IsPassing(Error error) =>
        !error.IsFatal && error.Code is ErrorCode.Local_MsgTimedOut or ErrorCode.Local_TimedOut or ErrorCode.Local_QueueFull
            or ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.RequestTimedOut
            or ErrorCode.NetworkException or ErrorCode.LeaderNotAvailable or ErrorCode.NotLeaderForPartition
            or ErrorCode.NotEnoughReplicas or ErrorCode.NotEnoughReplicasAfterAppend or ErrorCode.UnknownTopicOrPart
            or ErrorCode.Local_UnknownTopic or ErrorCode.Local_UnknownPartition;

    [LoggerMessage(EventId = 1081, Level = LogLevel.Warning, Message = "Dead letter for {SourceTopic}[{Partition}]@{Offset} not produced ({Error}); retried per Resilience:DeadLetters, offsets are held meanwhile")]
    private partial void LogAttemptFailed(string sourceTopic, int partition, long offset, string error);

    [LoggerMessage(EventId = 1083, Level = LogLevel.Debug, Message = "Dead letter retry in {DelaySeconds:F1} s after: {Error}")]
    private partial void LogRetrying(string error, double delaySeconds);

    [LoggerMessage(EventId = 1082, Level = LogLevel.Warning, Message = "Dead letter for {SourceTopic}[{Partition}]@{Offset} is too large for topic {DeadLetterTopic}; sending its first {Bytes} bytes")]
    private partial void LogTooLargeForTopic(string sourceTopic, int partition, long offset, string deadLetterTopic, int bytes);

    /// <inheritdoc />
    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}

/// <summary>What became of a dead letter, and the broker's error when it was skipped.</summary>
public readonly record struct DeadLetterResult(DeadLetterOutcome Outcome, string? Error);
