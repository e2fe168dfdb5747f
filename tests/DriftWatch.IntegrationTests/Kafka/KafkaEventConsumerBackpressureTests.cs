using System.Globalization;
using System.Text;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Kafka.Consuming;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.IntegrationTests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaEventConsumerBackpressureTests(KafkaEnvironment kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Reader_StreamStalledUntilConsumerPauses_DeliversEveryMessageOnceInPartitionOrder()
    {
        const int count = 600;
        var topic = await kafka.CreateTopicAsync("backpressure", partitions: 2);
        await TestEvents.ProduceAsync(
            kafka.BootstrapServers,
            topic,
            Enumerable.Range(0, count).Select(i => ($"key-{i % 7}", Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)))));
        var options = new KafkaConsumerOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"group-{Guid.NewGuid():N}",
            BufferCapacity = 8,
        };
        options.Topics.Clear();
        options.Topics.Add(topic);
        await using var consumer = new KafkaEventConsumer(options, NullLogger<KafkaEventConsumer>.Instance);
        consumer.Start();

        // A stream that stops reading for longer than a brief wait makes the consumer pause its partitions;
        // librdkafka drops their prefetched messages, so resuming must fetch again from the right offsets.
        await TestEvents.WaitUntilAsync(() => consumer.Reader.Count == options.BufferCapacity, Patience, "the channel to fill");
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var received = new List<ConsumedMessage>();
        using var deadline = new CancellationTokenSource(Patience);
        while (received.Count < count)
        {
            var message = await consumer.Reader.ReadAsync(deadline.Token);
            received.Add(message);
            consumer.Acknowledge([message]);
        }

        Assert.Equal(count, received.Select(m => Encoding.UTF8.GetString(m.Value)).Distinct().Count());
        foreach (var partition in received.GroupBy(m => m.Partition))
        {
            var offsets = partition.Select(m => m.Offset).ToList();
            Assert.Equal(Enumerable.Range(0, offsets.Count).Select(i => (long)i), offsets);
        }

        await consumer.CloseAsync(CancellationToken.None);
        Assert.Equal(count, consumer.Acknowledged);
    }
}
