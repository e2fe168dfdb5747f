using Confluent.Kafka;
using Confluent.Kafka.Admin;
using DriftWatch.Core.Events;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Service.Pipeline;

namespace DriftWatch.IntegrationTests.Pipeline;

[Collection(KafkaCollection.Name)]
public sealed class MissingTopicTests(KafkaEnvironment kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_InputTopicMissing_WaitsWithOneLogLineThenConsumesOnceItExists(bool createTopics)
    {
        var topic = $"late-{Guid.NewGuid():N}";
        var dlq = await kafka.CreateTopicAsync("late-dlq", partitions: 1);
        var logs = new CapturingLogs();
        var monitor = new RecordingMonitor();
        var pipeline = CreatePipeline(topic, dlq, monitor, logs, createTopics);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);

        await TestEvents.WaitUntilAsync(() => logs.With(1071).Count > 0 || run.IsCompleted, Patience, "the waiting log line");
        if (kafka.Embedded is null && createTopics)
        {
            // A real broker serves CreateTopics: the topic exists at once and nothing waits.
            Assert.Contains(logs.With(1073), line => line.Contains(topic, StringComparison.Ordinal));
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.False(run.IsCompleted, "the pipeline ended while its topic was missing");
            var waiting = Assert.Single(logs.With(1071));
            Assert.Contains(topic, waiting, StringComparison.Ordinal);
            // The embedded cluster does not serve CreateTopics: the attempt is reported, then the wait.
            Assert.Equal(createTopics ? 1 : 0, logs.With(1074).Count);
            await CreateTopicAsync(topic);
        }

        await TestEvents.ProduceAsync(kafka.BootstrapServers, topic, Enumerable.Range(0, 50).Select(i => ("support-router", AgentEventWriter.ToUtf8Bytes(TestEvents.Decision(i)))));
        await TestEvents.WaitUntilAsync(() => pipeline.Statistics.Committed >= 50 || run.IsCompleted, Patience, "the 50 events to be committed");
        await stop.CancelAsync();
        await run;

        Assert.Equal(50, monitor.EventIds.Distinct().Count());
    }

    [Fact]
    public async Task RunAsync_StoppedWhileWaitingForTopic_EndsCleanly()
    {
        var logs = new CapturingLogs();
        var pipeline = CreatePipeline($"never-{Guid.NewGuid():N}", "unused-dlq", new RecordingMonitor(), logs, createTopics: false);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        await TestEvents.WaitUntilAsync(() => logs.With(1071).Count > 0 || run.IsCompleted, Patience, "the waiting log line");

        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        Assert.Equal(0, pipeline.Statistics.Committed);
    }

    private async Task CreateTopicAsync(string name)
    {
        if (kafka.Embedded is not null)
        {
            kafka.Embedded.CreateTopic(name, partitions: 3);
            return;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = 3, ReplicationFactor = 1 }]);
    }

    private IngestPipeline CreatePipeline(string topic, string dlq, RecordingMonitor monitor, CapturingLogs logs, bool createTopics)
    {
        var consumer = new KafkaConsumerOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"group-{Guid.NewGuid():N}",
            CreateTopics = createTopics,
        };
        consumer.Topics.Clear();
        consumer.Topics.Add(topic);
        consumer.Extra["session.timeout.ms"] = "6000";
        var options = new PipelineOptions
        {
            DeadLetterTopic = dlq,
            AlertsTopic = string.Empty,
            BatchInterval = TimeSpan.FromMilliseconds(50),
        };
        return new IngestPipeline(consumer, options, monitor, [], logs, TimeProvider.System);
    }
}
