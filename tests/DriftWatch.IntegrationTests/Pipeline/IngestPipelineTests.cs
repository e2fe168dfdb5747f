using System.Text;
using DriftWatch.Core.Events;
using DriftWatch.Core.Results;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Producing;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.IntegrationTests.Pipeline;

[Collection(KafkaCollection.Name)]
public sealed class IngestPipelineTests(KafkaEnvironment kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RunAsync_MixedValidAndInvalidMessages_InvalidOnesReachDeadLetterTopicWithReasonAndPosition()
    {
        var topic = await kafka.CreateTopicAsync("decisions");
        var dlq = await kafka.CreateTopicAsync("dlq", partitions: 1);
        var messages = Enumerable.Range(0, 200).Select(i => ("support-router", AgentEventWriter.ToUtf8Bytes(TestEvents.Decision(i)))).ToList();
        messages.Insert(50, ("support-router", "{\"schema\":\"driftwatch.decision/v1\",\"event_id\":\"x\""u8.ToArray()));
        messages.Insert(120, ("support-router", Encoding.UTF8.GetBytes("""{"schema":"driftwatch.decision/v1","event_id":"e1","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"billing"}}""")));
        messages.Insert(170, ("support-router", Encoding.UTF8.GetBytes("""{"schema":"driftwatch.decision/v1","event_id":"e2","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"billing","confidence":1.7}}""")));
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topic, messages);

        var monitor = new RecordingMonitor();
        var pipeline = CreatePipeline(topic, dlq, monitor, []);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        await TestEvents.WaitUntilAsync(() => pipeline.Statistics.Committed >= 203, Patience, "203 committed messages");
        await stop.CancelAsync();
        await run;

        Assert.Equal(200, monitor.EventIds.Distinct().Count());
        Assert.Equal(3, pipeline.Statistics.DeadLettered);
        var dead = TestEvents.ReadAll(kafka.BootstrapServers, dlq, 3, Patience);
        Assert.Equal(3, dead.Count);
        var reasons = dead.Select(d => Encoding.UTF8.GetString(d.Message.Headers.GetLastBytes(DeadLetterHeaders.Error))).ToList();
        Assert.Contains(reasons, r => r.StartsWith("json", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("agent_id", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("decision.confidence", StringComparison.Ordinal));
        foreach (var letter in dead)
        {
            Assert.Equal(topic, Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterHeaders.SourceTopic)));
            var offset = long.Parse(Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterHeaders.SourceOffset)), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(offset, 0, 202);
            Assert.Equal("support-router", Encoding.UTF8.GetString(letter.Message.Key!));
        }
    }

    [Fact]
    public async Task RunAsync_StoppedAndRestartedInSameGroup_ResumesWithoutLossOrRepeat()
    {
        var topic = await kafka.CreateTopicAsync("decisions");
        var dlq = await kafka.CreateTopicAsync("dlq", partitions: 1);
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topic, Enumerable.Range(0, 300).Select(i => ($"agent-{i % 5}", AgentEventWriter.ToUtf8Bytes(TestEvents.Decision(i, $"agent-{i % 5}")))));
        var group = $"group-{Guid.NewGuid():N}";

        var first = new RecordingMonitor();
        var pipeline = CreatePipeline(topic, dlq, first, [], group);
        using (var stop = new CancellationTokenSource())
        {
            var run = pipeline.RunAsync(stop.Token);
            await TestEvents.WaitUntilAsync(() => pipeline.Statistics.Committed >= 300, Patience, "the first run to commit everything");
            await stop.CancelAsync();
            await run;
        }

        await TestEvents.ProduceAsync(kafka.BootstrapServers, topic, Enumerable.Range(300, 100).Select(i => ($"agent-{i % 5}", AgentEventWriter.ToUtf8Bytes(TestEvents.Decision(i, $"agent-{i % 5}")))));
        var second = new RecordingMonitor();
        var restarted = CreatePipeline(topic, dlq, second, [], group);
        using (var stop = new CancellationTokenSource())
        {
            var run = restarted.RunAsync(stop.Token);
            await TestEvents.WaitUntilAsync(() => restarted.Statistics.Committed >= 100, Patience, "the second run to commit the new events");
            await Task.Delay(500);
            await stop.CancelAsync();
            await run;
        }

        Assert.Equal(300, first.EventIds.Count);
        Assert.Equal(100, second.EventIds.Count);
        Assert.All(second.EventIds, id => Assert.True(int.Parse(id[4..], System.Globalization.CultureInfo.InvariantCulture) >= 300, id));
    }

    [Fact]
    public async Task RunAsync_SinkFailsThenRecovers_EveryAlertWrittenAndOffsetsHeldMeanwhile()
    {
        var topic = await kafka.CreateTopicAsync("decisions");
        var dlq = await kafka.CreateTopicAsync("dlq", partitions: 1);
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topic, Enumerable.Range(0, 400).Select(i => ("support-router", AgentEventWriter.ToUtf8Bytes(TestEvents.Decision(i)))));
        var sink = new FlakySink(failures: 4);
        var pipeline = CreatePipeline(topic, dlq, new RecordingMonitor(alertEvery: 20), [sink]);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);

        await TestEvents.WaitUntilAsync(() => sink.Attempts >= 2, Patience, "the sink to be tried");
        Assert.True(pipeline.Statistics.Committed < 20, $"committed {pipeline.Statistics.Committed} while the sink was down");
        await TestEvents.WaitUntilAsync(() => pipeline.Statistics.Committed >= 400, Patience, "everything to be committed after the sink recovered");
        await stop.CancelAsync();
        await run;

        Assert.Equal(20, sink.Alerts.Count);
        Assert.Equal(20, sink.Alerts.Select(a => a.Summary).Distinct().Count());
        Assert.True(pipeline.Statistics.SinkRetries >= 4);
    }

    private IngestPipeline CreatePipeline(string topic, string dlq, RecordingMonitor monitor, IReadOnlyList<IResultSink> sinks, string? group = null)
    {
        var consumer = new KafkaConsumerOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = group ?? $"group-{Guid.NewGuid():N}",
        };
        consumer.Topics.Clear();
        consumer.Topics.Add(topic);
        // On the embedded cluster a member rejoining the same group waits for the previous member's session
        // to expire (45 s by default); a short session keeps the restart test short.
        consumer.Extra["session.timeout.ms"] = "6000";
        var options = new PipelineOptions
        {
            DeadLetterTopic = dlq,
            AlertsTopic = string.Empty,
            BatchInterval = TimeSpan.FromMilliseconds(50),
        };
        var fast = new DriftWatch.Core.Resilience.RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200) };
        var resilience = new ResilienceOptions { Sinks = fast, DeadLetters = fast };
        return new IngestPipeline(consumer, options, monitor, sinks, NullLoggerFactory.Instance, TimeProvider.System, detector: null, state: null, resilience);
    }

    private sealed class FlakySink(int failures) : IResultSink
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public List<Core.Detection.DriftAlert> Alerts { get; } = [];

        public string Name => "flaky";

        public Task WriteAsync(ResultBatch batch, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) <= failures)
            {
                throw new IOException("sink unavailable");
            }

            lock (Alerts)
            {
                Alerts.AddRange(batch.Alerts);
            }

            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
