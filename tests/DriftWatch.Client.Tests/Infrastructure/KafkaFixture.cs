using Confluent.Kafka;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Embedded;

namespace DriftWatch.Client.Tests.Infrastructure;

/// <summary>One embedded Kafka cluster per test class; every test publishes to a topic of its own.</summary>
public sealed class KafkaFixture : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public EmbeddedKafkaCluster Cluster { get; } = EmbeddedKafkaCluster.Start(brokers: 1);

    public string NewTopic()
    {
        string topic = $"decisions-{Guid.NewGuid():N}";
        Cluster.CreateTopic(topic, partitions: 3);
        return topic;
    }

    public DecisionPublisher NewPublisher(string topic, int capacity = 10_000) => new(new DecisionPublisherOptions
    {
        BootstrapServers = Cluster.BootstrapServers,
        Topic = topic,
        BufferCapacity = capacity,
        Linger = TimeSpan.FromMilliseconds(5),
    });

    /// <summary>
    /// Reads <paramref name="count"/> messages from the start of <paramref name="topic"/> and parses each with
    /// DriftWatch.Core's parser, as the service would; a message it rejects fails the test with its reason.
    /// </summary>
    public List<(string Key, DecisionEvent Event)> Consume(string topic, int count)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = Cluster.BootstrapServers,
            GroupId = $"test-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var events = new List<(string, DecisionEvent)>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (events.Count < count && waited.Elapsed < Patience)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result)
            {
                ParseResult parsed = AgentEventParser.Parse(result.Message.Value);
                Assert.True(parsed.IsValid, parsed.Error);
                events.Add((result.Message.Key, Assert.IsType<DecisionEvent>(parsed.Decision)));
            }
        }

        Assert.Equal(count, events.Count);
        return events;
    }

    public void Dispose() => Cluster.Dispose();
}
