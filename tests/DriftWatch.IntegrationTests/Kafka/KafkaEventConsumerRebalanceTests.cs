using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Kafka.Consuming;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.IntegrationTests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaEventConsumerRebalanceTests(KafkaEnvironment kafka)
{
    private const int Partitions = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Reader_RebalancedWhilePausedAndAgainAfterwards_EveryPartitionIsReadToTheEnd()
    {
        var topic = await kafka.CreateTopicAsync("rebalance", Partitions);
        await ProduceAsync(topic, 0, 2000);
        var group = $"group-{Guid.NewGuid():N}";
        var seen = new ConcurrentDictionary<(int Partition, long Offset), string>();
        await using var first = CreateConsumer(topic, group);
        first.Start();
        using var stop = new CancellationTokenSource(Patience);

        // The first member's stream stalls long enough for it to pause its partitions ...
        await TestEvents.WaitUntilAsync(() => first.Reader.Count == 8, Patience, "the first member's buffer to fill");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        // ... then a second member joins, so the group rebalances while the first one is paused.
        var second = CreateConsumer(topic, group);
        second.Start();
        var readingSecond = ReadAsync(second, seen, stop.Token);
        var readingFirst = ReadAsync(first, seen, stop.Token);
        await TestEvents.WaitUntilAsync(() => seen.Count >= 2000, Patience, $"all 2000 messages from both members ({seen.Count} so far)");

        // The second member leaves: the first takes every partition back and must read all of them.
        await second.CloseAsync(CancellationToken.None);
        await second.DisposeAsync();
        await ProduceAsync(topic, 2000, 1000);
        await TestEvents.WaitUntilAsync(() => seen.Count >= 3000, Patience, $"all 3000 messages ({seen.Count} so far)");
        await stop.CancelAsync();
        await Task.WhenAll(readingFirst, readingSecond);

        Assert.Equal(3000, seen.Values.Distinct().Count());
        foreach (var partition in seen.Keys.GroupBy(k => k.Partition))
        {
            var offsets = partition.Select(k => k.Offset).Order().ToList();
            Assert.Equal(Enumerable.Range(0, offsets.Count).Select(i => (long)i), offsets);
        }
    }

    private KafkaEventConsumer CreateConsumer(string topic, string group)
    {
        var options = new KafkaConsumerOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = group,
            BufferCapacity = 8,
            DrainTimeout = TimeSpan.FromSeconds(1),
        };
        options.Topics.Clear();
        options.Topics.Add(topic);
        options.Extra["session.timeout.ms"] = "6000";
        return new KafkaEventConsumer(options, NullLogger<KafkaEventConsumer>.Instance);
    }

    private static async Task ReadAsync(KafkaEventConsumer consumer, ConcurrentDictionary<(int, long), string> seen, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in consumer.Reader.ReadAllAsync(cancellationToken))
            {
                seen[(message.Partition, message.Offset)] = Encoding.UTF8.GetString(message.Value);
                consumer.Acknowledge([message]);
            }
        }
        catch (OperationCanceledException)
        {
            // The test is over.
        }
    }

    private async Task ProduceAsync(string topic, int from, int count) =>
        await TestEvents.ProduceAsync(
            kafka.BootstrapServers,
            topic,
            Enumerable.Range(from, count).Select(i => ($"key-{i % 13}", Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)))));
}
