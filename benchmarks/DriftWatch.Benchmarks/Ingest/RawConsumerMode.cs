using System.Diagnostics;
using Confluent.Kafka;
using DriftWatch.Kafka.Consuming;

namespace DriftWatch.Benchmarks.Ingest;

/// <summary>
/// The baseline: a plain Confluent consumer in a group, configured as DriftWatch's own consumer, taking every message
/// and doing nothing with it.
/// </summary>
internal sealed class RawConsumerMode : IIngestMode
{
    public string Name => "raw-consume";

    public string Description => "Confluent consumer, no parsing";

    public Task<Measurement> MeasureAsync(string bootstrapServers, string topic, string group, int messages, TimeSpan timeout) =>
        Task.Factory.StartNew(() => Consume(bootstrapServers, topic, group, messages, timeout), TaskCreationOptions.LongRunning);

    private static Measurement Consume(string bootstrapServers, string topic, string group, int messages, TimeSpan timeout)
    {
        // DriftWatch's own consumer configuration (fetch wait, fetch queue backoff, assignment), so the two differ
        // only in what is done with a message; offsets are stored as consumed, as no pipeline acknowledges them.
        var config = KafkaEventConsumer.ConsumerConfigFor(new KafkaConsumerOptions { BootstrapServers = bootstrapServers, GroupId = group });
        config.EnableAutoOffsetStore = true;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(config).Build();
        consumer.Subscribe(topic);
        var deadline = Stopwatch.StartNew();
        long first = 0;
        var cpu = TimeSpan.Zero;
        long bytes = 0;
        var count = 0;
        while (count < messages)
        {
            if (deadline.Elapsed > timeout)
            {
                var partitions = string.Join(", ", consumer.Assignment.Select(tp =>
                {
                    var marks = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5));
                    return $"[{tp.Partition.Value}] position {consumer.Position(tp).Value} of {marks.High.Value}";
                }));
                throw new TimeoutException($"The raw consumer took {count} of {messages} messages within {timeout.TotalSeconds:F0} s: {partitions}.");
            }

            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message is null)
            {
                continue;
            }

            if (count++ == 0)
            {
                first = Stopwatch.GetTimestamp();
                cpu = Environment.CpuUsage.TotalTime;
            }

            bytes += result.Message.Value.Length;
        }

        var measurement = new Measurement(Stopwatch.GetElapsedTime(first), Environment.CpuUsage.TotalTime - cpu);
        consumer.Close();
        return bytes > 0 ? measurement : throw new InvalidOperationException("The raw consumer read only empty messages.");
    }
}
