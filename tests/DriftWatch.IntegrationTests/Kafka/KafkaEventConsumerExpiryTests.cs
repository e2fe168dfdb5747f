using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Kafka.Consuming;
using Microsoft.Extensions.Logging;

namespace DriftWatch.IntegrationTests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaEventConsumerExpiryTests(KafkaEnvironment kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Reader_DataExpiresWhilePaused_ResumesAtEarliestAndLogsTheSkippedCount()
    {
        if (kafka.Embedded is null)
        {
            // A real broker keeps data by its retention settings, not by a few megabytes; xunit 2 has no
            // dynamic skip, so say why nothing was checked.
            await Console.Error.WriteLineAsync("Reader_DataExpiresWhilePaused: needs the embedded cluster (about 5 MB per partition); not checked against a real broker.");
            return;
        }

        var topic = await kafka.CreateTopicAsync("expiry", partitions: 1);
        var payload = new byte[1000];
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topic, Enumerable.Range(0, 3000).Select(_ => ("k", payload)));
        var options = new KafkaConsumerOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"group-{Guid.NewGuid():N}",
            BufferCapacity = 8,
        };
        options.Topics.Clear();
        options.Topics.Add(topic);
        var logs = new CapturingLogs();
        await using var consumer = new KafkaEventConsumer(options, logs.For<KafkaEventConsumer>());
        consumer.Start();

        var offsets = new List<long>();
        using var deadline = new CancellationTokenSource(Patience);
        while (offsets.Count < 20)
        {
            var message = await consumer.Reader.ReadAsync(deadline.Token);
            offsets.Add(message.Offset);
            consumer.Acknowledge([message]);
        }

        // The stream stops reading, the consumer pauses, and 4 MB more push the oldest data out of the partition.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topic, Enumerable.Range(0, 4000).Select(_ => ("k", payload)));
        var start = KafkaProbe.Watermarks(kafka.BootstrapServers, topic, 1)[0].Low.Value;
        Assert.True(start > 100, $"the partition still starts at {start}");

        while (offsets.Count == 0 || offsets[^1] < 6999)
        {
            var message = await consumer.Reader.ReadAsync(deadline.Token);
            offsets.Add(message.Offset);
            consumer.Acknowledge([message]);
        }

        Assert.Equal(offsets.Count, offsets.Distinct().Count());
        Assert.Equal(7000, offsets.Count + consumer.Skipped);
        var warning = Assert.Single(logs.Entries, e => e.Id.Id == 1051);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"Skipped {consumer.Skipped} message(s)", warning.Message, StringComparison.Ordinal);
    }
}
