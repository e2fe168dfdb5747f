using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace DriftWatch.Api.Metrics;

/// <summary>
/// The stream's latency histograms (meter <c>DriftWatch.Pipeline</c>, recorded by the pipeline's sink stage)
/// in Prometheus histogram form for <c>GET /metrics</c>. The meter is process-wide, so one listener serves
/// every <see cref="DriftMetrics"/>; it starts with the first one and lives as long as the process.
/// </summary>
internal static class LatencyHistograms
{
    private const string MeterName = "DriftWatch.Pipeline";

    // Upper bounds in ms: around the targets (100 ms to results, 250 ms to an alert) and far beyond.
    private static readonly double[] Bounds = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private static readonly Series[] All =
    [
        new("driftwatch.pipeline.event_to_results", "driftwatch_event_to_results_milliseconds", "Time from an event's Kafka timestamp to its results being written to every sink."),
        new("driftwatch.pipeline.event_to_alert", "driftwatch_event_to_alert_milliseconds", "Time from the deciding event's Kafka timestamp to its alert being written to every sink."),
    ];

    private static readonly Lazy<MeterListener> Listener = new(Start);

    /// <summary>Starts listening (once per process).</summary>
    public static void EnsureListening() => _ = Listener.Value;

    /// <summary>Appends both histograms in the Prometheus text format.</summary>
    public static void Append(StringBuilder text)
    {
        foreach (var series in All)
        {
            text.Append("# HELP ").Append(series.Exported).Append(' ').Append(series.Help).Append('\n');
            text.Append("# TYPE ").Append(series.Exported).Append(" histogram\n");
            long cumulative = 0;
            for (int i = 0; i <= Bounds.Length; i++)
            {
                cumulative += Interlocked.Read(ref series.Counts[i]);
                string bound = i < Bounds.Length ? DriftMetrics.FormatValue(Bounds[i]) : "+Inf";
                text.Append(series.Exported).Append("_bucket{le=\"").Append(bound).Append("\"} ")
                    .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            text.Append(series.Exported).Append("_sum ").Append(DriftMetrics.FormatValue(series.Sum)).Append('\n');
            text.Append(series.Exported).Append("_count ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static MeterListener Start()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = static (instrument, l) =>
            {
                if (instrument.Meter.Name == MeterName && Array.Exists(All, s => s.Instrument == instrument.Name))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>(static (instrument, value, _, _) =>
        {
            var series = Array.Find(All, s => s.Instrument == instrument.Name);
            series?.Add(value);
        });
        listener.Start();
        return listener;
    }

    private sealed class Series(string instrument, string exported, string help)
    {
        private readonly Lock _sum = new();
        private double _total;

        public string Instrument { get; } = instrument;

        public string Exported { get; } = exported;

        public string Help { get; } = help;

        public long[] Counts { get; } = new long[Bounds.Length + 1];

        public double Sum
        {
            get
            {
                lock (_sum)
                {
                    return _total;
                }
            }
        }

        public void Add(double value)
        {
            int bucket = Array.FindIndex(Bounds, b => value <= b);
            Interlocked.Increment(ref Counts[bucket < 0 ? Bounds.Length : bucket]);
            lock (_sum)
            {
                _total += value;
            }
        }
    }
}
