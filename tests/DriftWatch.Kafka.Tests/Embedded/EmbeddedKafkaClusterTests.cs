using Confluent.Kafka;
using DriftWatch.Kafka.Embedded;

namespace DriftWatch.Kafka.Tests.Embedded;

public sealed class EmbeddedKafkaClusterTests
{
    [Fact]
    public async Task Start_ProduceAndConsumeInGroup_EveryMessageArrivesOnce()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 3);
        var topic = $"t-{Guid.NewGuid():N}";
        cluster.CreateTopic(topic, partitions: 4);

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            EnableIdempotence = true,
        }).Build())
        {
            for (var i = 0; i < 500; i++)
            {
                producer.Produce(topic, new Message<string, string> { Key = $"agent-{i % 7}", Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var seen = new HashSet<string>();
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = $"g-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (seen.Count < 500 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is not null)
            {
                Assert.True(seen.Add(result.Message.Value), $"duplicate {result.Message.Value}");
            }
        }

        consumer.Close();
        await Task.CompletedTask;
        Assert.Equal(500, seen.Count);
    }

    [Fact]
    public void CreateTopic_AfterDispose_Throws()
    {
        var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.Dispose();
        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late"));
    }

    [Fact]
    public void Start_TwoClusters_HaveDistinctBootstrapServers()
    {
        using var a = EmbeddedKafkaCluster.Start(brokers: 1);
        using var b = EmbeddedKafkaCluster.Start(brokers: 2);
        Assert.NotEqual(a.BootstrapServers, b.BootstrapServers);
        Assert.Equal(2, b.BootstrapServers.Split(',').Length);
    }
}
