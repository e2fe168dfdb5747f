using DriftWatch.Api.Metrics;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Results;
using DriftWatch.Service.Pipeline;
using DriftWatch.Service.Snapshots;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// The parts every mode builds the same way, from the one settings object <see cref="DriftWatchServiceCollectionExtensions.AddDriftWatch"/>
/// binds and validates: the detection stack, the snapshot recorder, the result sinks and the Kafka pipeline.
/// <c>run</c> and <c>demo</c> get them through the hosted <see cref="DriftWatchService"/>; <c>replay</c> feeds the
/// detection stack from a file instead of Kafka. Resolving <see cref="Settings"/> validates them, so a mode cannot
/// use settings <c>run</c> would refuse.
/// </summary>
internal sealed class DriftWatchComponents(IOptions<DriftWatchSettings> options, DriftMetrics metrics, ILoggerFactory loggers, TimeProvider time, AlertTraceRegistry traces)
{
    /// <summary>The bound, overridden and validated settings (throws <see cref="OptionsValidationException"/> naming every invalid one).</summary>
    internal DriftWatchSettings Settings => options.Value;

    internal DriftMetrics Metrics => metrics;

    internal ILoggerFactory Loggers => loggers;

    internal TimeProvider Time => time;

    /// <summary>The trace of each published alert, for the webhook that acts on it.</summary>
    internal AlertTraceRegistry Traces => traces;

    /// <summary>
    /// The process's one cross-agent propagation map (null when <c>Propagation:Enabled</c> is false), shared by every
    /// detection stack this builds.
    /// </summary>
    internal Core.Propagation.PropagationMap? Propagation =>
        Settings.Propagation.Enabled
            ? LazyInitializer.EnsureInitialized(ref _propagation, () => new Core.Propagation.PropagationMap(Settings.Propagation))
            : null;

    private Core.Propagation.PropagationMap? _propagation;

    /// <summary>
    /// Detection stacks <c>replay</c> spreads agents over. The propagation map must see events in file order for a
    /// replay to decide the same on every run (an upstream incident and the downstream one it explains may fall in
    /// the same batch on two shards), so with propagation on a replay detects on one thread.
    /// </summary>
    internal int ReplayDetectionWorkers => Settings.Propagation.Enabled ? 1 : Settings.Pipeline.DetectionWorkers;

    /// <summary>
    /// Detection stacks the Kafka service (<c>run</c>, <c>demo</c>) spreads agents over: <c>Pipeline:DetectionWorkers</c>,
    /// also with propagation on. Kafka orders events only within a partition, so the propagation map never saw one
    /// global order in the service: with one thread it sees the partitions interleaved as batches arrive, with
    /// several it sees each batch's shards at once. Either way an upstream incident that is not yet recorded when
    /// its downstream one opens is found on the downstream incident's next update (an incident asks until it has one).
    /// </summary>
    internal int ServiceDetectionWorkers => Settings.Pipeline.DetectionWorkers;

    internal Task<DetectionStack> CreateDetectionAsync(CancellationToken cancellationToken) => Detection.CreateAsync(Settings, Propagation, cancellationToken);

    /// <summary>
    /// <paramref name="count"/> detection stacks, shard i owning the agents <see cref="AgentShards.Of"/> gives it,
    /// sharing the process's propagation map and one incident directory.
    /// </summary>
    internal async Task<IReadOnlyList<DetectionStack>> CreateDetectionShardsAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var incidents = new Core.Incidents.IncidentDirectory();
        var stacks = new List<DetectionStack>(count);
        for (int shard = 0; shard < count; shard++)
        {
            stacks.Add(await Detection.CreateAsync(Settings, Propagation, cancellationToken, incidents).ConfigureAwait(false));
        }

        return stacks;
    }

    /// <summary>One snapshot recorder over every shard's monitor; null when <c>Snapshots:Enabled</c> is false.</summary>
    internal SnapshotRecorder? CreateRecorder(IReadOnlyList<DetectionStack> shards) => SnapshotRecording.Create(Settings, [.. shards.Select(static s => s.Detector)], loggers);

    /// <summary>The alerts topic, InfluxDB when configured, and the metrics the API serves. The caller disposes them.</summary>
    internal List<IResultSink> CreateSinks(Core.Propagation.PropagationMap? propagation = null)
    {
        var sinks = ResultSinks.Create(Settings, loggers, traces, propagation);
        sinks.Add(new MetricsResultSink(metrics));
        return sinks;
    }

    /// <summary>The Kafka pipeline detecting over <paramref name="shards"/> (one thread each per batch), with one alert path.</summary>
    internal IngestPipeline CreatePipeline(IReadOnlyList<DetectionStack> shards, IReadOnlyList<IResultSink> sinks)
    {
        var settings = Settings;
        return new IngestPipeline(
            settings.Kafka,
            settings.Pipeline,
            [.. shards.Select(static s => (s.Monitor, (DriftMonitor?)s.Detector))],
            sinks,
            loggers,
            time,
            settings.State,
            settings.Resilience);
    }
}
