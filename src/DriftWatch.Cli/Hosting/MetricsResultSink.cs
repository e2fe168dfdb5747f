using DriftWatch.Api.Metrics;
using DriftWatch.Core.Results;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// Keeps the <c>/metrics</c> gauges and counters current: every drift score with its threshold and the open
/// incidents per agent, so
/// Prometheus rules (and through them Alertmanager) see what the detectors see.
/// </summary>
internal sealed class MetricsResultSink(DriftMetrics metrics) : IResultSink
{
    private long _events;
    private long _deadLettered;

    public string Name => "metrics";

    public Task WriteAsync(ResultBatch batch, CancellationToken cancellationToken)
    {
        foreach (var score in batch.Scores)
        {
            metrics.Record(score);
        }

        foreach (var incident in batch.Incidents)
        {
            metrics.Record(incident);
        }

        metrics.Increment(PipelineCounter.ScoresComputed, batch.Scores.Count);
        metrics.Increment(PipelineCounter.AlertsRaised, batch.Alerts.Count);
        if (batch.Health is { } health)
        {
            // Health carries running totals; counters take the increments since the last reading.
            metrics.Increment(PipelineCounter.EventsReceived, Math.Max(0, health.EventsProcessed - _events));
            metrics.Increment(PipelineCounter.EventsRejected, Math.Max(0, health.DeadLettered - _deadLettered));
            _events = health.EventsProcessed;
            _deadLettered = health.DeadLettered;
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
