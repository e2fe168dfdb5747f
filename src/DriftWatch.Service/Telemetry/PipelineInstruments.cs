using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DriftWatch.Service.Telemetry;

/// <summary>
/// The pipeline's instruments. One shared set serves the process (an OpenTelemetry MeterProvider subscribes
/// to it by <see cref="DriftWatchTelemetry.MeterName"/>); tests pass their own meter to observe only their stream.
/// </summary>
internal sealed class PipelineInstruments
{
    internal static readonly PipelineInstruments Shared = new(new Meter(DriftWatchTelemetry.MeterName));

    internal PipelineInstruments(Meter meter)
    {
        ProcessingDuration = meter.CreateHistogram<double>(
            "driftwatch.event.processing.duration",
            unit: "s",
            description: "Time to featurize and detect one event, state restore and checkpoint skip included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1] });
    }

    internal Histogram<double> ProcessingDuration { get; }

    internal void RecordProcessing(TimeSpan elapsed, string kind) =>
        ProcessingDuration.Record(elapsed.TotalSeconds, new TagList { { "kind", kind } });
}
