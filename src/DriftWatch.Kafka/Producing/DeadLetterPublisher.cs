using System.Globalization;
using System.Text;
using Confluent.Kafka;
using DriftWatch.Kafka.Consuming;

namespace DriftWatch.Kafka.Producing;

/// <summary>
/// Sends messages that are not valid events to the dead-letter topic unchanged, with the reason and the
/// original position in headers, so nothing is lost and each can be inspected or replayed.
/// </summary>
public sealed class DeadLetterPublisher : IDisposable
{
    private readonly IProducer<byte[]?, byte[]> _producer;
    private readonly TimeProvider _time;

    /// <summary>Creates a publisher that writes to <paramref name="topic"/>.</summary>
    public DeadLetterPublisher(IProducer<byte[]?, byte[]> producer, string topic, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(time);
        _producer = producer;
        Topic = topic;
        _time = time;
    }

    /// <summary>The dead-letter topic.</summary>
    public string Topic { get; }

    /// <summary>Completes once the broker has acknowledged the dead letter.</summary>
    public async Task PublishAsync(ConsumedMessage message, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = new Headers
        {
            { DeadLetterHeaders.Error, Encoding.UTF8.GetBytes(reason) },
            { DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(message.Topic) },
            { DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(message.Partition.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(message.Offset.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.FailedAt, Encoding.UTF8.GetBytes(_time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture)) },
        };
        await _producer.ProduceAsync(
            Topic,
            new Message<byte[]?, byte[]> { Key = message.Key, Value = message.Value, Headers = headers },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
