using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Benchmarks.Ingest;

/// <summary>
/// The whole <see cref="IngestPipeline"/> with a monitor that detects nothing and no sinks: the stream's own
/// cost (parse, dead-letter check, detect stage, batching, commit) on top of consuming.
/// </summary>
internal sealed class FullPipelineMode(int workers) : IIngestMode
{
    public string Name => $"full-pipeline/{workers}w";

    public string Description => $"IngestPipeline, parse on {workers} worker(s), no-op monitor, no sinks";

    public async Task<Measurement> MeasureAsync(string bootstrapServers, string topic, string group, int messages, TimeSpan timeout)
    {
        var kafka = new KafkaConsumerOptions { BootstrapServers = bootstrapServers, GroupId = group };
        kafka.Topics.Clear();
        kafka.Topics.Add(topic);
        var options = new PipelineOptions { DeadLetterTopic = $"{topic}.dlq", AlertsTopic = string.Empty, ParseWorkers = workers };
        var monitor = new CountingMonitor();
        var pipeline = new IngestPipeline(kafka, options, monitor, [], NullLoggerFactory.Instance, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        try
        {
            return await Progress.TimeAsync(() => monitor.Observed > 0, () => pipeline.Statistics.Committed >= messages, run, timeout, Name);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    private sealed class CountingMonitor : IDriftMonitor
    {
        private long _observed;

        public long Observed => Interlocked.Read(ref _observed);

        public DetectionStep Observe(DecisionEvent decision)
        {
            Interlocked.Increment(ref _observed);
            return DetectionStep.Empty;
        }

        public void Observe(StateEvent state) => Interlocked.Increment(ref _observed);
    }
}
