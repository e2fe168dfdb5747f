using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

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
    IReadOnlyList<WindowSummary> Windows,
    PipelineHealth? Health)
{
    public static ResultBatch Empty { get; } = new([], [], [], null);

    /// <summary>Incidents opened or updated by the batch's alerts (published beside them).</summary>
    public IReadOnlyList<Incidents.Incident> Incidents { get; init; } = [];

    /// <summary>The agent-to-agent edges as they stand (docs/propagation.md), added to health batches for dashboards.</summary>
    public IReadOnlyList<Propagation.AgentEdge> Edges { get; init; } = [];

    public bool IsEmpty => Scores.Count == 0 && Alerts.Count == 0 && Windows.Count == 0 && Health is null && Edges.Count == 0;
}

/// <summary>
/// Plain statistics of one closed current window of one behaviour, for dashboards (outcome mix over time,
/// mean confidence, sentiment, latency).
/// </summary>
public sealed record WindowSummary(
    BehaviourKey Key,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    long EventCount,
    IReadOnlyDictionary<string, double> OutcomeShares,
    IReadOnlyDictionary<string, double> NumericMeans);

/// <summary>A periodic reading of the pipeline's own health.</summary>
public sealed record PipelineHealth(
    DateTimeOffset At,
    string InstanceId,
    long EventsProcessed,
    double EventsPerSecond,
    long DeadLettered,
    long ConsumerLag);
