using System.Globalization;
using System.Text;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Kafka.Consuming;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.IntegrationTests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaEventConsumerBatchTests(KafkaEnvironment kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Batches_BacklogOnThreePartitions_EveryMessageOnceInPartitionOrderInBatchesOfAtMostMaxBatch()
    {
        const int count = 3000;
        var topic = await kafka.CreateTopicAsync("batches", partitions: 3);
        await TestEvents.ProduceAsync(
            kafka.BootstrapServers,
            topic,
            Enumerable.Range(0, count).Select(i => ($"key-{i % 11}", Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)))));
        await using var consumer = new KafkaEventConsumer(Options(topic, bufferCapacity: 2048), NullLogger<KafkaEventConsumer>.Instance);
        consumer.Start();

        var received = new List<ConsumedMessage>();
        var sizes = new List<int>();
        using var deadline = new CancellationTokenSource(Patience);
        while (received.Count < count)
        {
            var batch = await consumer.Batches.ReadAsync(deadline.Token);
            sizes.Add(batch.Count);
            received.AddRange(batch);
            consumer.Acknowledge(batch);
        }

        Assert.Equal(count, received.Select(m => Encoding.UTF8.GetString(m.Value)).Distinct().Count());
        foreach (var partition in received.GroupBy(m => m.Partition))
        {
            var offsets = partition.Select(m => m.Offset).ToList();
            Assert.Equal(Enumerable.Range(0, offsets.Count).Select(i => (long)i), offsets);
        }

        Assert.All(sizes, size => Assert.InRange(size, 1, KafkaEventConsumer.MaxBatch));
        Assert.True(sizes.Max() > 1, "a backlog is handed over in batches, not one message at a time");
        await consumer.CloseAsync(CancellationToken.None);
        Assert.Equal(count, consumer.Acknowledged);
        Assert.Equal(count, consumer.Consumed);
    }

    [Fact]
    public async Task Batches_StreamNotReading_BuffersExactlyBufferCapacityMessagesAndNoMore()
    {
        var topic = await kafka.CreateTopicAsync("batch-capacity", partitions: 2);
        await TestEvents.ProduceAsync(
            kafka.BootstrapServers,
            topic,
            Enumerable.Range(0, 1000).Select(i => ($"key-{i % 5}", Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)))));
        await using var consumer = new KafkaEventConsumer(Options(topic, bufferCapacity: 300), NullLogger<KafkaEventConsumer>.Instance);
        consumer.Start();

        await TestEvents.WaitUntilAsync(() => consumer.Buffered == 300, Patience, "the buffer to fill");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // long enough for the consumer to pause and poll again

        Assert.Equal(300, consumer.Buffered);
        int taken = 0;
        while (consumer.Batches.TryRead(out var batch))
        {
            taken += batch.Count;
        }

        Assert.Equal(300, taken);
        Assert.Equal(0, consumer.Buffered);
        consumer.StopFetching();
        await consumer.CloseAsync(CancellationToken.None);
    }

    private KafkaConsumerOptions Options(string topic, int bufferCapacity)
    {
        var options = new KafkaConsumerOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"group-{Guid.NewGuid():N}",
            BufferCapacity = bufferCapacity,
        };
        options.Topics.Clear();
        options.Topics.Add(topic);
        return options;
    }
}
