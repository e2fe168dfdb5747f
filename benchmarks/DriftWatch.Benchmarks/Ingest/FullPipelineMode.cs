using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
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
        var kafka = Progress.Consumer(bootstrapServers, topic, group);
        var options = new PipelineOptions { DeadLetterTopic = $"{topic}.dlq", AlertsTopic = string.Empty, ParseWorkers = workers };
        var monitor = new CountingMonitor();
        var pipeline = new IngestPipeline(kafka, options, monitor, [], NullLoggerFactory.Instance, TimeProvider.System);
        return await Progress.TimePipelineAsync(pipeline, () => monitor.Observed > 0, messages, timeout, Name);
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
