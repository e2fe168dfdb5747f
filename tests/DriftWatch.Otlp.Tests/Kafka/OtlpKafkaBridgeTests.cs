using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Embedded;
using DriftWatch.Kafka.Producing;
using DriftWatch.Otlp.Decoding;
using DriftWatch.Otlp.Ingest;
using DriftWatch.Otlp.Kafka;
using DriftWatch.Otlp.Tests.Infrastructure;
using Google.Protobuf;
using static DriftWatch.Otlp.Tests.Spans;

namespace DriftWatch.Otlp.Tests.Kafka;

public sealed class OtlpKafkaBridgeTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly EmbeddedKafkaCluster _kafka = EmbeddedKafkaCluster.Start(brokers: 1);
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-otlp-kafka-").FullName;

    [KcatFact]
    public async Task RunAsync_ProtoAndJsonMessagesProducedByKcat_PublishedToInputTopicAndMalformedDeadLettered()
    {
        // The files a Collector's kafkaexporter would write as message values: protobuf, JSON, and a truncated one.
        string protoFile = Path.Combine(_directory, "traces.pb");
        string brokenFile = Path.Combine(_directory, "broken.pb");
        string jsonFile = Path.Combine(_directory, "traces.json");
        byte[] proto = Request(Tool("00000000000000e1", "00000000000000a1", "lookup_order"), Decision("00000000000000a1", "billing"), Span("00000000000000b1", "GET /x", 0, 1)).ToByteArray();
        await File.WriteAllBytesAsync(protoFile, proto);
        await File.WriteAllBytesAsync(brokenFile, proto[..^4]);
        await File.WriteAllTextAsync(jsonFile, OtlpJson.Format(Request(Decision("00000000000000a2", "refund"))));

        var results = new Dictionary<string, (List<DecisionEvent> Events, List<ConsumeResult<byte[]?, byte[]>> Dead)>();
        foreach (var (encoding, files) in new[] { ("otlp_proto", new[] { protoFile, brokenFile }), ("otlp_json", new[] { jsonFile }) })
        {
            string topic = Topic("otlp"), input = Topic("decisions"), dlq = Topic("otlp-dlq");
            // One file, one message: kcat -P with file arguments.
            await ExternalTools.RunAsync(ExternalTools.Kcat!, ["-b", _kafka.BootstrapServers, "-t", topic, "-P", .. files], TimeSpan.FromSeconds(30));
            results[encoding] = await RunBridgeAsync(topic, input, dlq, encoding, expectedMessages: files.Length);
        }

        var protoEvents = results["otlp_proto"].Events;
        var e = Assert.Single(protoEvents);
        Assert.Equal("billing", e.Outcome);
        Assert.Equal("lookup_order", Assert.Single(e.ToolCalls).Name);
        var dead = Assert.Single(results["otlp_proto"].Dead);
        Assert.Equal(proto[..^4], dead.Message.Value);
        Assert.StartsWith("protobuf:", Encoding.UTF8.GetString(dead.Message.Headers.GetLastBytes(DeadLetterHeaders.Error)), StringComparison.Ordinal);
        Assert.Equal("refund", Assert.Single(results["otlp_json"].Events).Outcome);
        Assert.Empty(results["otlp_json"].Dead);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<(List<DecisionEvent>, List<ConsumeResult<byte[]?, byte[]>>)> RunBridgeAsync(string topic, string input, string dlq, string encoding, int expectedMessages)
    {
        using var producer = KafkaProducerFactory.Create(_kafka.BootstrapServers, "otlp-test");
        using var deadLetters = new DeadLetterPublisher(new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build(), dlq, TimeProvider.System);
        var bridge = new OtlpKafkaBridge(
            new OtlpKafkaBridgeOptions { BootstrapServers = _kafka.BootstrapServers, Topic = topic, Encoding = encoding, GroupId = $"g-{Guid.NewGuid():N}", DeadLetterTopic = dlq },
            new KafkaDecisionEventSink(producer, input),
            deadLetters);
        using var stop = new CancellationTokenSource();
        var run = bridge.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + Patience;
        while (bridge.Messages < expectedMessages && DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await run;
        Assert.Equal(expectedMessages, bridge.Messages);

        var events = Read(input, (int)bridge.Events).Select(r =>
        {
            Assert.Equal(r.Message.Key, Encoding.UTF8.GetBytes("support-router"));
            var parsed = AgentEventParser.Parse(r.Message.Value);
            Assert.True(parsed.IsValid, parsed.Error);
            return parsed.Decision!;
        }).ToList();
        return (events, Read(dlq, (int)bridge.DeadLettered));
    }

    private List<ConsumeResult<byte[]?, byte[]>> Read(string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<byte[]?, byte[]>>();
        var deadline = DateTime.UtcNow + Patience;
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } result)
            {
                results.Add(result);
            }
        }

        consumer.Close();
        Assert.Equal(expected, results.Count);
        return results;
    }

    private string Topic(string prefix)
    {
        string name = $"{prefix}-{Guid.NewGuid():N}";
        _kafka.CreateTopic(name, partitions: 1);
        return name;
    }
}
