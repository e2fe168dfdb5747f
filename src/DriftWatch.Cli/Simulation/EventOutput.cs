using System.Text;
using Confluent.Kafka;
using DriftWatch.Kafka.Producing;

namespace DriftWatch.Cli.Simulation;

/// <summary>Where simulated messages go: a JSONL file (or stdout) or a Kafka topic.</summary>
internal abstract class EventOutput : IAsyncDisposable
{
    internal abstract ValueTask WriteAsync(string key, byte[] message, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    internal static EventOutput ToFile(string path) => new JsonlOutput(path);

    internal static EventOutput ToKafka(string bootstrapServers, string topic) => new KafkaOutput(bootstrapServers, topic);

    private sealed class JsonlOutput : EventOutput
    {
        private readonly Stream _stream;

        internal JsonlOutput(string path)
        {
            _stream = path == "-"
                ? Console.OpenStandardOutput()
                : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        }

        internal override async ValueTask WriteAsync(string key, byte[] message, CancellationToken cancellationToken)
        {
            await _stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            _stream.WriteByte((byte)'\n');
        }

        public override async ValueTask DisposeAsync()
        {
            await _stream.FlushAsync().ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class KafkaOutput : EventOutput
    {
        private readonly IProducer<byte[]?, byte[]> _producer;
        private readonly string _topic;
        private Exception? _failure;

        internal KafkaOutput(string bootstrapServers, string topic)
        {
            _producer = KafkaProducerFactory.Create(bootstrapServers, "driftwatch-simulator");
            _topic = topic;
        }

        internal override ValueTask WriteAsync(string key, byte[] message, CancellationToken cancellationToken)
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException($"Producing to '{_topic}' failed: {_failure.Message}", _failure);
            }

            while (true)
            {
                try
                {
                    _producer.Produce(_topic, new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = message }, OnDelivered);
                    return ValueTask.CompletedTask;
                }
                catch (ProduceException<byte[]?, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // The local queue is full: wait for deliveries rather than dropping simulated traffic.
                    _producer.Poll(TimeSpan.FromMilliseconds(100));
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }

        private void OnDelivered(DeliveryReport<byte[]?, byte[]> report)
        {
            if (report.Error.IsError)
            {
                _failure ??= new KafkaException(report.Error);
            }
        }

        public override ValueTask DisposeAsync()
        {
            var remaining = _producer.Flush(TimeSpan.FromSeconds(60));
            _producer.Dispose();
            if (remaining > 0 || _failure is not null)
            {
                throw new InvalidOperationException($"{remaining} message(s) were not delivered to '{_topic}'.", _failure);
            }

            return ValueTask.CompletedTask;
        }
    }
}
