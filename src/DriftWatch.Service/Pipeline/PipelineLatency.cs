using System.Diagnostics.Metrics;

namespace DriftWatch.Service.Pipeline;

/// <summary>
/// Latency histograms of the stream, from an event's Kafka timestamp (when it was produced) to the moment
/// its results, or an alert it decided, were written to every sink. Published on the
/// <c>DriftWatch.Pipeline</c> meter, so any System.Diagnostics.Metrics listener (OpenTelemetry,
/// dotnet-counters) can export them.
/// </summary>
public static class PipelineLatency
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "DriftWatch.Pipeline";

    /// <summary>Histogram of event produced -> its results (scores, window summaries) written, in ms.</summary>
    public const string EventToResultsName = "driftwatch.pipeline.event_to_results";

    /// <summary>Histogram of deciding event produced -> alert written to every sink (alerts topic included), in ms.</summary>
    public const string EventToAlertName = "driftwatch.pipeline.event_to_alert";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Histogram<double> EventToResults = Meter.CreateHistogram<double>(
        EventToResultsName, "ms", "Time from an event's Kafka timestamp to its results being written to every sink.");

    internal static readonly Histogram<double> EventToAlert = Meter.CreateHistogram<double>(
        EventToAlertName, "ms", "Time from the deciding event's Kafka timestamp to its alert being written to every sink.");
}
