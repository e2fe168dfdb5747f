using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Resilience;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Embedded;
using DriftWatch.Kafka.Producing;

namespace DriftWatch.Kafka.Tests.Producing;

public sealed class DeadLetterPublisherTests
{
    private const short Produce = 0;

    [Fact]
    public void ProducerMessageMaxBytes_DefaultConsumer_IsTheConsumersFetchLimit()
    {
        Assert.Equal(KafkaClientLimits.DefaultFetchMaxBytes, DeadLetterPublisher.ProducerMessageMaxBytes(new Dictionary<string, string>()));
    }

    [Fact]
    public void ProducerMessageMaxBytes_SmallFetchLimit_StillFitsAWholePayloadWithHeaders()
    {
        var settings = new Dictionary<string, string> { ["fetch.max.bytes"] = "100000" };

        Assert.True(DeadLetterPublisher.ProducerMessageMaxBytes(settings, 1 << 20) > 1 << 20);
    }

    [Fact]
    public async Task PublishAsync_TopicRefusesItAsTooLarge_SendsItsHeadWithTruncationHeaders()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        var topic = NewTopic(cluster);
        using var publisher = CreatePublisher(cluster, topic);
        var value = Enumerable.Range(0, 300_000).Select(i => (byte)('a' + (i % 26))).ToArray();
        await publisher.PublishAsync(Message(Encoding.UTF8.GetBytes("{}")), "warm-up", CancellationToken.None);

        cluster.PushRequestErrors(Produce, ErrorCode.MsgSizeTooLarge);
        var result = await publisher.PublishAsync(Message(value), "json: unexpected end", CancellationToken.None);

        Assert.Equal(DeadLetterOutcome.PublishedTruncated, result.Outcome);
        var letter = ReadLast(cluster, topic, expected: 2);
        Assert.Equal(DeadLetterPublisher.FallbackPayloadBytes, letter.Message.Value.Length);
        Assert.True(value.AsSpan(0, DeadLetterPublisher.FallbackPayloadBytes).SequenceEqual(letter.Message.Value));
        Assert.Equal("true", Header(letter, DeadLetterHeaders.Truncated));
        Assert.Equal("300000", Header(letter, DeadLetterHeaders.OriginalSize));
        Assert.Equal("17", Header(letter, DeadLetterHeaders.SourceOffset));
    }

    [Fact]
    public async Task PublishAsync_TopicRefusesItForGood_ReturnsSkippedWithTheBrokersError()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        var topic = NewTopic(cluster);
        using var publisher = CreatePublisher(cluster, topic);
        await publisher.PublishAsync(Message(Encoding.UTF8.GetBytes("{}")), "warm-up", CancellationToken.None);

        cluster.PushRequestErrors(Produce, ErrorCode.TopicAuthorizationFailed);
        var result = await publisher.PublishAsync(Message(Encoding.UTF8.GetBytes("not json")), "json: invalid", CancellationToken.None);

        Assert.Equal(DeadLetterOutcome.Skipped, result.Outcome);
        Assert.Contains(nameof(ErrorCode.TopicAuthorizationFailed), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_PayloadAboveLimit_SendsTheFirstLimitBytesAndTheOriginalSize()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        var topic = NewTopic(cluster);
        using var publisher = CreatePublisher(cluster, topic, maxPayloadBytes: 100_000);
        var value = new byte[250_000];
        Random.Shared.NextBytes(value);

        var result = await publisher.PublishAsync(Message(value), "message: not UTF-8", CancellationToken.None);

        Assert.Equal(DeadLetterOutcome.PublishedTruncated, result.Outcome);
        var letter = ReadLast(cluster, topic, expected: 1);
        Assert.True(value.AsSpan(0, 100_000).SequenceEqual(letter.Message.Value));
        Assert.Equal("250000", Header(letter, DeadLetterHeaders.OriginalSize));
        Assert.Equal("message: not UTF-8", Header(letter, DeadLetterHeaders.Error));
    }

    private static string NewTopic(EmbeddedKafkaCluster cluster)
    {
        var topic = $"dlq-{Guid.NewGuid():N}";
        cluster.CreateTopic(topic, partitions: 1);
        return topic;
    }

    [Fact]
    public async Task PublishAsync_BrokerUnreachableBeyondBoundedRetries_ThrowsRatherThanSkipping()
    {
        // Nothing listens on port 1: every attempt ends in librdkafka's message timeout, a passing failure.
        var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig { BootstrapServers = "127.0.0.1:1", MessageTimeoutMs = 200 }).Build();
        var retry = new RetryOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(10) };
        using var publisher = new DeadLetterPublisher(producer, "dlq", TimeProvider.System, retry: retry);

        var error = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]>>(() => publisher.PublishAsync(Message("{bad"u8.ToArray()), "reason", CancellationToken.None));

        Assert.Equal(ErrorCode.Local_MsgTimedOut, error.Error.Code);
    }

    private static DeadLetterPublisher CreatePublisher(EmbeddedKafkaCluster cluster, string topic, int maxPayloadBytes = DeadLetterPublisher.DefaultMaxPayloadBytes) =>
        new(
            KafkaProducerFactory.Create(cluster.BootstrapServers, "test-dead-letters", null, DeadLetterPublisher.ProducerMessageMaxBytes(new Dictionary<string, string>(), maxPayloadBytes)),
            topic,
            TimeProvider.System,
            maxPayloadBytes,
            new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200) });

    private static ConsumedMessage Message(byte[] value) =>
        new("agent-decisions", 2, 17, "agent"u8.ToArray(), value, DateTimeOffset.UnixEpoch);

    private static ConsumeResult<byte[]?, byte[]> ReadLast(EmbeddedKafkaCluster cluster, string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(new TopicPartition(topic, 0));
        var results = new List<ConsumeResult<byte[]?, byte[]>>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result)
            {
                results.Add(result);
            }
        }

        Assert.Equal(expected, results.Count);
        return results[^1];
    }

    private static string? Header(ConsumeResult<byte[]?, byte[]> letter, string name) =>
        letter.Message.Headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;
}
