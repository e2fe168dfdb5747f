using DriftWatch.Core.Events;
using DriftWatch.Core.Results;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.IntegrationTests.Pipeline;

[Collection(KafkaCollection.Name)]
public sealed class BacklogTests(KafkaEnvironment kafka)
{
    private const int Partitions = 12;

    [Fact]
    public async Task RunAsync_HundredThousandBacklogThroughSlowSink_CatchesUpAndReportedLagMatchesTheCluster()
    {
        // 100,000 events of about 300 bytes over 12 partitions stay well under the embedded cluster's ~5 MB
        // per partition, so nothing expires and every event must arrive.
        var topic = await kafka.CreateTopicAsync("backlog", Partitions);
        var dlq = await kafka.CreateTopicAsync("backlog-dlq", partitions: 1);
        await ProduceAsync(topic, 0, 100_000);
        var group = $"group-{Guid.NewGuid():N}";
        var sink = new GatedSink();
        var monitor = new RecordingMonitor(alertEvery: 50);
        var pipeline = CreatePipeline(topic, dlq, group, monitor, sink);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);

        // The sink holds the first batch: the buffer fills and the consumer pauses its partitions. New
        // events arrive meanwhile, so watermarks cached from the last fetches are out of date.
        await TestEvents.WaitUntilAsync(() => sink.Calls > 0, TimeSpan.FromSeconds(30), "the sink to be called");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await ProduceAsync(topic, 100_000, 5_000);
        // Readings refresh about once a second; give them a few.
        long reported = -1;
        long truth = -2;
        for (var attempt = 0; attempt < 30 && reported != truth; attempt++)
        {
            await Task.Delay(500);
            reported = pipeline.ConsumerLag;
            truth = KafkaProbe.Lag(kafka.BootstrapServers, group, topic, Partitions);
        }

        Assert.Equal(truth, reported);
        // Events before the first alert have no results to wait for (alerts go out ahead of their batch), so
        // those may be committed already; everything after the held alert is still lag.
        Assert.InRange(truth, 100_000, 105_000);

        // A slow sink that now and then stalls for longer than the consumer waits before pausing: the
        // consumer pauses and resumes many times and must still read everything.
        sink.Open(stallEvery: 12, stall: TimeSpan.FromSeconds(1.2), delay: TimeSpan.FromMilliseconds(10));
        await TestEvents.WaitUntilAsync(() => pipeline.Statistics.Committed >= 105_000 || run.IsCompleted, TimeSpan.FromSeconds(50), "the backlog to be processed");
        Assert.False(run.IsCompleted);
        await TestEvents.WaitUntilAsync(
            () => pipeline.ConsumerLag == 0 && KafkaProbe.Lag(kafka.BootstrapServers, group, topic, Partitions) == 0,
            TimeSpan.FromSeconds(15),
            "both the reported and the cluster's lag to reach 0");
        await stop.CancelAsync();
        await run;

        Assert.Equal(105_000, monitor.EventIds.Distinct().Count());
        Assert.True(sink.Stalls >= 3, $"only {sink.Stalls} stalls");
    }

    private async Task ProduceAsync(string topic, int from, int count) =>
        await TestEvents.ProduceAsync(
            kafka.BootstrapServers,
            topic,
            Enumerable.Range(from, count).Select(i => ($"agent-{i % 40}", AgentEventWriter.ToUtf8Bytes(TestEvents.Decision(i, $"agent-{i % 40}")))));

    private IngestPipeline CreatePipeline(string topic, string dlq, string group, RecordingMonitor monitor, IResultSink sink)
    {
        var consumer = new KafkaConsumerOptions { BootstrapServers = kafka.BootstrapServers, GroupId = group };
        consumer.Topics.Clear();
        consumer.Topics.Add(topic);
        consumer.Extra["session.timeout.ms"] = "6000";
        var options = new PipelineOptions
        {
            DeadLetterTopic = dlq,
            AlertsTopic = string.Empty,
            BatchInterval = TimeSpan.FromMilliseconds(50),
        };
        return new IngestPipeline(consumer, options, monitor, [sink], NullLoggerFactory.Instance, TimeProvider.System);
    }

    /// <summary>A sink that holds every write until opened, then is slow and stalls now and then.</summary>
    private sealed class GatedSink : IResultSink
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;
        private int _stalls;
        private int _stallEvery;
        private TimeSpan _stall;
        private TimeSpan _delay;

        public int Calls => Volatile.Read(ref _calls);

        public int Stalls => Volatile.Read(ref _stalls);

        public string Name => "gated";

        public void Open(int stallEvery, TimeSpan stall, TimeSpan delay)
        {
            (_stallEvery, _stall, _delay) = (stallEvery, stall, delay);
            _open.TrySetResult();
        }

        public async Task WriteAsync(ResultBatch batch, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            await _open.Task.WaitAsync(cancellationToken);
            if (call % _stallEvery == 0)
            {
                Interlocked.Increment(ref _stalls);
                await Task.Delay(_stall, cancellationToken);
            }
            else
            {
                await Task.Delay(_delay, cancellationToken);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
