using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Benchmarks.Ingest;

/// <summary>
/// The <see cref="IngestPipeline"/> as <c>driftwatch run</c> builds it for detection: the default statistical
/// monitor on <c>workers</c> detection shards (agents by <see cref="AgentShards"/>), parsing on as many workers, no
/// sinks. What the service sustains with real detection, against the same raw consume.
/// </summary>
internal sealed class DetectingPipelineMode(int workers) : IIngestMode
{
    public string Name => $"detecting/{workers}w";

    public string Description => $"IngestPipeline, parse on {workers} worker(s), default detection on {workers} shard(s), no sinks";

    public async Task<Measurement> MeasureAsync(string bootstrapServers, string topic, string group, int messages, TimeSpan timeout)
    {
        var kafka = Progress.Consumer(bootstrapServers, topic, group);
        var options = new PipelineOptions
        {
            DeadLetterTopic = $"{topic}.dlq",
            AlertsTopic = string.Empty,
            ParseWorkers = workers,
            DetectionWorkers = workers,
        };
        var started = new StartSignal();
        var shards = Enumerable.Range(0, workers)
            .Select(_ => ((IDriftMonitor)new SignallingMonitor(new DriftMonitor(), started), (DriftMonitor?)null))
            .ToList();
        var pipeline = new IngestPipeline(kafka, options, shards, [], NullLoggerFactory.Instance, TimeProvider.System, state: null);
        return await Progress.TimePipelineAsync(pipeline, () => started.Seen, messages, timeout, Name);
    }

    private sealed class StartSignal
    {
        private volatile bool _seen;

        public bool Seen => _seen;

        public void Set() => _seen = true;
    }

    // Marks the first event any shard sees (the clock's start), then stays out of the way.
    private sealed class SignallingMonitor(DriftMonitor inner, StartSignal started) : IDriftMonitor
    {
        public DetectionStep Observe(DecisionEvent decision)
        {
            started.Set();
            return inner.Observe(decision);
        }

        public void Observe(StateEvent state)
        {
            started.Set();
            inner.Observe(state);
        }
    }
}
