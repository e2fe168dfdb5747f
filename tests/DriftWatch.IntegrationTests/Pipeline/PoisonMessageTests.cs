using System.Globalization;
using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Events;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Producing;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.IntegrationTests.Pipeline;

[Collection(KafkaCollection.Name)]
public sealed class PoisonMessageTests(KafkaEnvironment kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public void MalformedEvents_FortyKinds_EachIsDistinctAndInvalid()
    {
        Assert.Equal(40, MalformedEvents.All.Count);
        Assert.Equal(40, MalformedEvents.All.Select(Convert.ToBase64String).Distinct().Count());
        Assert.All(MalformedEvents.All, bad => Assert.False(AgentEventParser.Parse(bad).IsValid, Encoding.UTF8.GetString(bad)));
    }

    [Fact]
    public async Task RunAsync_HugeAndMalformedMessagesAmongValidOnes_EveryValidProcessedEveryBadDeadLetteredAndAllCommitted()
    {
        // The 5 MB message gets a partition of its own: the embedded cluster keeps about 5 MiB per partition.
        var topic = await kafka.CreateTopicAsync("poison", partitions: 4);
        var dlq = await kafka.CreateTopicAsync("poison-dlq", partitions: 2);
        var oneMegabyte = Unterminated(1_040_000);
        var fiveMegabytes = Unterminated(5_000_000);
        var valid = Enumerable.Range(0, 400).Select(i => AgentEventWriter.ToUtf8Bytes(TestEvents.Decision(i, $"agent-{i % 3}"))).ToList();
        var bad = new List<byte[]>(MalformedEvents.All) { oneMegabyte };
        var mixed = new List<byte[]>();
        var next = 0;
        for (var i = 0; i < valid.Count; i++)
        {
            mixed.Add(valid[i]);
            if (i % 9 == 4 && next < bad.Count)
            {
                mixed.Add(bad[next++]);
            }
        }

        Assert.Equal(441, mixed.Count);
        await ProduceAsync(topic, mixed.Select((value, i) => (new Partition(i % 3), value)).Append((new Partition(3), fiveMegabytes)));

        var monitor = new RecordingMonitor();
        var pipeline = CreatePipeline(topic, dlq, monitor);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        await TestEvents.WaitUntilAsync(() => pipeline.Statistics.Committed >= 442 || run.IsCompleted, Patience, "442 committed messages");
        Assert.False(run.IsCompleted, "the pipeline stopped on a poison message");
        await TestEvents.WaitUntilAsync(() => pipeline.ConsumerLag == 0, Patience, "the reported lag to reach 0");
        await stop.CancelAsync();
        await run;

        Assert.Equal(400, monitor.EventIds.Distinct().Count());
        Assert.Equal(42, pipeline.Statistics.DeadLettered);
        Assert.Equal(0, pipeline.Statistics.DeadLettersSkipped);
        Assert.Equal(442, pipeline.Statistics.Committed);
        Assert.Equal(442, KafkaProbe.CommittedOffsets(kafka.BootstrapServers, _group!, topic, 4).Values.Sum());

        var letters = TestEvents.ReadAll(kafka.BootstrapServers, dlq, 42, Patience);
        Assert.Equal(42, letters.Count);
        Assert.All(letters, letter => Assert.False(string.IsNullOrEmpty(Header(letter, DeadLetterHeaders.Error))));
        var whole = letters.Where(l => Header(l, DeadLetterHeaders.Truncated) is null).ToList();
        Assert.Equal(41, whole.Count);
        Assert.Equal(
            bad.Select(Convert.ToBase64String).Order(StringComparer.Ordinal),
            whole.Select(l => Convert.ToBase64String(l.Message.Value)).Order(StringComparer.Ordinal));
        Assert.Contains(whole, l => l.Message.Value.Length == oneMegabyte.Length && Header(l, DeadLetterHeaders.Error)!.StartsWith("json", StringComparison.Ordinal));

        var truncated = Assert.Single(letters, l => Header(l, DeadLetterHeaders.Truncated) == "true");
        Assert.Equal("5000000", Header(truncated, DeadLetterHeaders.OriginalSize));
        Assert.Equal("3", Header(truncated, DeadLetterHeaders.SourcePartition));
        Assert.Equal("0", Header(truncated, DeadLetterHeaders.SourceOffset));
        Assert.Equal(DeadLetterPublisher.DefaultMaxPayloadBytes, truncated.Message.Value.Length);
        Assert.True(fiveMegabytes.AsSpan(0, truncated.Message.Value.Length).SequenceEqual(truncated.Message.Value));
        Assert.Contains("exceeds", Header(truncated, DeadLetterHeaders.Error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DeadLetterTopicRefusesForGood_MessageSkippedWithRecordAndStreamGoesOn()
    {
        if (kafka.Embedded is null)
        {
            await Console.Error.WriteLineAsync("RunAsync_DeadLetterTopicRefusesForGood: needs the embedded cluster to inject the refusal; not checked against a real broker.");
            return;
        }

        var topic = await kafka.CreateTopicAsync("refused", partitions: 1);
        var dlq = await kafka.CreateTopicAsync("refused-dlq", partitions: 1);
        var messages = Enumerable.Range(0, 100).Select(i => AgentEventWriter.ToUtf8Bytes(TestEvents.Decision(i))).ToList();
        messages.Insert(60, "{\"schema\":"u8.ToArray());
        await ProduceAsync(topic, messages.Select(m => (new Partition(0), m)));
        var logs = new CapturingLogs();
        var monitor = new RecordingMonitor();
        var pipeline = CreatePipeline(topic, dlq, monitor, logs);

        // The pipeline's dead-letter producer is the only one producing from here on.
        kafka.Embedded.PushRequestErrors(0, ErrorCode.TopicAuthorizationFailed);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        await TestEvents.WaitUntilAsync(() => pipeline.Statistics.Committed >= 101 || run.IsCompleted, Patience, "101 committed messages");
        await stop.CancelAsync();
        await run;

        Assert.Equal(100, monitor.EventIds.Distinct().Count());
        Assert.Equal(1, pipeline.Statistics.DeadLettersSkipped);
        Assert.Equal(0, pipeline.Statistics.DeadLettered);
        var record = Assert.Single(logs.With(2052));
        Assert.Contains($"{topic}[0]@60", record, StringComparison.Ordinal);
        Assert.Contains(nameof(ErrorCode.TopicAuthorizationFailed), record, StringComparison.Ordinal);
        Assert.Equal(101, KafkaProbe.CommittedOffsets(kafka.BootstrapServers, _group!, topic, 1).Values.Sum());
    }

    private string? _group;

    private IngestPipeline CreatePipeline(string topic, string dlq, RecordingMonitor monitor, CapturingLogs? logs = null)
    {
        _group = $"group-{Guid.NewGuid():N}";
        var consumer = new KafkaConsumerOptions { BootstrapServers = kafka.BootstrapServers, GroupId = _group };
        consumer.Topics.Clear();
        consumer.Topics.Add(topic);
        consumer.Extra["session.timeout.ms"] = "6000";
        var options = new PipelineOptions
        {
            DeadLetterTopic = dlq,
            AlertsTopic = string.Empty,
            BatchInterval = TimeSpan.FromMilliseconds(50),
        };
        var fast = new DriftWatch.Core.Resilience.RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200) };
        var resilience = new ResilienceOptions { Sinks = fast, DeadLetters = fast };
        return new IngestPipeline(consumer, options, monitor, [], logs ?? (Microsoft.Extensions.Logging.ILoggerFactory)NullLoggerFactory.Instance, TimeProvider.System, detector: null, state: null, resilience);
    }

    private async Task ProduceAsync(string topic, IEnumerable<(Partition Partition, byte[] Value)> messages)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            EnableIdempotence = true,
            MessageMaxBytes = 8_000_000,
        }).Build();
        var sends = messages.Select(m => producer.ProduceAsync(
            new TopicPartition(topic, m.Partition),
            new Message<byte[]?, byte[]> { Key = "k"u8.ToArray(), Value = m.Value })).ToList();
        await Task.WhenAll(sends);
    }

    /// <summary>A JSON event whose text never ends: invalid JSON of exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Unterminated(int size)
    {
        var head = Encoding.UTF8.GetBytes("""{"schema":"driftwatch.decision/v1","event_id":"huge","agent_id":"a","input":{"text":" """);
        var bytes = new byte[size];
        head.CopyTo(bytes, 0);
        bytes.AsSpan(head.Length).Fill((byte)'x');
        return bytes;
    }

    private static string? Header(ConsumeResult<byte[]?, byte[]> letter, string name) =>
        letter.Message.Headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;
}
