using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;
using DriftWatch.Core.Results;
using DriftWatch.Kafka.Embedded;
using DriftWatch.Kafka.Producing;

namespace DriftWatch.Kafka.Tests.Producing;

public sealed class KafkaAlertSinkTests
{
    [Fact]
    public async Task WriteAsync_AlertWithItsIncident_PublishesTheAlertThenTheIncidentWithSchemaHeader()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        var topic = $"alerts-{Guid.NewGuid():N}";
        cluster.CreateTopic(topic, partitions: 1);
        var at = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        var alert = new DriftAlert(new BehaviourKey("router-a", "production", "route"), "decision.outcome", "chi2", 40, 10, AlertSeverity.Critical, at, at, at, "moved", []);
        var incident = Assert.Single(new IncidentTracker().Observe(new DetectionStep([], [alert], [])));
        await using (var sink = new KafkaAlertSink(KafkaProducerFactory.Create(cluster.BootstrapServers, "test-alerts", null), topic))
        {
            await sink.WriteAsync(new ResultBatch([], [alert], [], null) { Incidents = [incident] }, CancellationToken.None);
        }

        var messages = Read(cluster, topic, expected: 2);

        Assert.All(messages, m => Assert.Equal("router-a", Encoding.UTF8.GetString(m.Key!)));
        Assert.False(messages[0].Headers.TryGetLastBytes("schema", out _));
        Assert.Equal("decision.outcome", JsonDocument.Parse(messages[0].Value).RootElement.GetProperty("feature").GetString());
        Assert.True(messages[1].Headers.TryGetLastBytes("schema", out var schema));
        Assert.Equal(Incident.SchemaId, Encoding.UTF8.GetString(schema));
        var json = JsonDocument.Parse(messages[1].Value).RootElement;
        Assert.Equal(Incident.SchemaId, json.GetProperty("schema").GetString());
        Assert.Equal(incident.Id, json.GetProperty("id").GetString());
    }

    private static List<Message<byte[]?, byte[]>> Read(EmbeddedKafkaCluster cluster, string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(new TopicPartition(topic, 0));
        var messages = new List<Message<byte[]?, byte[]>>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (messages.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
            {
                messages.Add(message);
            }
        }

        Assert.Equal(expected, messages.Count);
        return messages;
    }
}
