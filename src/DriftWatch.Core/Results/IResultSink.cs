using DriftWatch.Core.Detection;

namespace DriftWatch.Core.Results;

/// <summary>
/// Where detection results go (InfluxDB, the alerts topic, a file). The stream commits a message's offset
/// only after every sink has completed <see cref="WriteAsync"/> for the batch holding its results, so a
/// sink must return only once the batch is durably written, and throw when it is not.
/// </summary>
public interface IResultSink : IAsyncDisposable
{
    /// <summary>A short name for logs and health output, e.g. "influxdb".</summary>
    string Name { get; }

    Task WriteAsync(ResultBatch batch, CancellationToken cancellationToken);
}

/// <summary>Results gathered from a run of consecutive events, written together.</summary>
public sealed record ResultBatch(
    IReadOnlyList<FeatureScore> Scores,
    IReadOnlyList<DriftAlert> Alerts,
    PipelineHealth? Health)
{
    public bool IsEmpty => Scores.Count == 0 && Alerts.Count == 0 && Health is null;
}

/// <summary>A periodic reading of the pipeline's own health.</summary>
public sealed record PipelineHealth(
    DateTimeOffset At,
    string InstanceId,
    long EventsProcessed,
    double EventsPerSecond,
    long DeadLettered,
    long ConsumerLag);
