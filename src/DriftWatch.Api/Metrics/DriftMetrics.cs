using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using DriftWatch.Core.Detection;

namespace DriftWatch.Api.Metrics;

/// <summary>
/// The figures <c>GET /metrics</c> exposes in the Prometheus text format: pipeline counters, the stream's
/// latency histograms (event to results written, event to alert written) and, per agent,
/// environment, decision, feature and detector, the latest drift score and its threshold. The stream writes
/// here; Prometheus scrapes it and can alert on <c>driftwatch_drift_score &gt; driftwatch_drift_threshold</c>.
/// Thread-safe.
/// </summary>
public sealed class DriftMetrics
{
    private static readonly PipelineCounter[] AllCounters = Enum.GetValues<PipelineCounter>();

    private readonly long[] _counters = new long[AllCounters.Length];
    private readonly ConcurrentDictionary<SeriesKey, ScoreSample> _scores = new();
    private readonly IncidentGauge _incidents = new();

    /// <summary>Creates an empty set of figures; the pipeline's latency histograms are included from now on.</summary>
    public DriftMetrics()
    {
        LatencyHistograms.EnsureListening();
    }

    /// <summary>Records the latest score of one feature; replaces the previous value of the same series.</summary>
    public void Record(FeatureScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        var key = new SeriesKey(score.Key.AgentId, score.Key.Environment, score.Key.DecisionName, score.Feature, score.Detector);
        _scores[key] = new ScoreSample(score.Score, score.Threshold);
    }

    /// <summary>Records an incident message: opened and updated incidents count as open until one says resolved.</summary>
    public void Record(Core.Incidents.Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        _incidents.Record(incident);
    }

    /// <summary>Incidents of an agent in an environment opened and not yet resolved.</summary>
    public int OpenIncidents(string agentId, string environment) => _incidents.Open(agentId, environment);

    /// <summary>Adds <paramref name="by"/> to a pipeline counter.</summary>
    public void Increment(PipelineCounter counter, long by = 1)
    {
        if ((uint)counter >= (uint)_counters.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(counter), counter, "Unknown pipeline counter.");
        }

        Interlocked.Add(ref _counters[(int)counter], by);
    }

    /// <summary>The current value of a pipeline counter.</summary>
    public long Read(PipelineCounter counter) => Interlocked.Read(ref _counters[(int)counter]);

    /// <summary>Forgets every score series of one agent, e.g. after its state was dropped.</summary>
    public void Forget(string agentId)
    {
        foreach (var key in _scores.Keys)
        {
            if (key.AgentId == agentId)
            {
                _scores.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Writes all series in the Prometheus text exposition format (version 0.0.4).</summary>
    public string ToPrometheusText()
    {
        var text = new StringBuilder(1024);
        foreach (var counter in AllCounters)
        {
            var name = CounterName(counter);
            text.Append("# HELP ").Append(name).Append(' ').Append(CounterHelp(counter)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(" counter\n");
            text.Append(name).Append(' ').Append(Read(counter).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        // Sorted so scrapes are stable and diffable.
        var series = _scores.ToArray();
        Array.Sort(series, static (a, b) => a.Key.CompareTo(b.Key));
        AppendGauge(text, "driftwatch_drift_score", "Latest drift score of a feature.", series, static s => s.Score);
        AppendGauge(text, "driftwatch_drift_threshold", "Alert threshold of the drift score of a feature.", series, static s => s.Threshold);
        _incidents.Append(text);
        LatencyHistograms.Append(text);
        return text.ToString();
    }

    private static void AppendGauge(
        StringBuilder text,
        string name,
        string help,
        KeyValuePair<SeriesKey, ScoreSample>[] series,
        Func<ScoreSample, double> value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" gauge\n");
        foreach (var (key, sample) in series)
        {
            text.Append(name).Append('{');
            AppendLabel(text, "agent_id", key.AgentId).Append(',');
            AppendLabel(text, "environment", key.Environment).Append(',');
            AppendLabel(text, "decision", key.Decision).Append(',');
            AppendLabel(text, "feature", key.Feature).Append(',');
            AppendLabel(text, "detector", key.Detector);
            text.Append("} ").Append(FormatValue(value(sample))).Append('\n');
        }
    }

    internal static StringBuilder AppendLabel(StringBuilder text, string name, string value)
    {
        text.Append(name).Append("=\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }

        return text.Append('"');
    }

    internal static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    internal static string CounterName(PipelineCounter counter) => counter switch
    {
        PipelineCounter.EventsReceived => "driftwatch_events_received_total",
        PipelineCounter.EventsRejected => "driftwatch_events_rejected_total",
        PipelineCounter.ScoresComputed => "driftwatch_scores_total",
        PipelineCounter.AlertsRaised => "driftwatch_alerts_total",
        PipelineCounter.SinkFailures => "driftwatch_sink_failures_total",
        PipelineCounter.WebhookNotifications => "driftwatch_webhook_notifications_total",
        PipelineCounter.WebhookRejected => "driftwatch_webhook_rejected_total",
        PipelineCounter.RollbacksExecuted => "driftwatch_rollbacks_executed_total",
        PipelineCounter.RollbacksFailed => "driftwatch_rollbacks_failed_total",
        _ => throw new ArgumentOutOfRangeException(nameof(counter), counter, "Unknown pipeline counter."),
    };

    private static string CounterHelp(PipelineCounter counter) => counter switch
    {
        PipelineCounter.EventsReceived => "Messages read from the input topics.",
        PipelineCounter.EventsRejected => "Messages that failed validation and went to the dead-letter topic.",
        PipelineCounter.ScoresComputed => "Feature scores computed by the detectors.",
        PipelineCounter.AlertsRaised => "Drift alerts raised by the detectors.",
        PipelineCounter.SinkFailures => "Sink writes reported as failed.",
        PipelineCounter.WebhookNotifications => "Alert notifications accepted by the webhooks.",
        PipelineCounter.WebhookRejected => "Webhook requests refused.",
        PipelineCounter.RollbacksExecuted => "Rollback commands delivered.",
        PipelineCounter.RollbacksFailed => "Rollback commands that could not be delivered.",
        _ => throw new ArgumentOutOfRangeException(nameof(counter), counter, "Unknown pipeline counter."),
    };

    private readonly record struct SeriesKey(string AgentId, string Environment, string Decision, string Feature, string Detector)
        : IComparable<SeriesKey>
    {
        public int CompareTo(SeriesKey other)
        {
            var c = string.CompareOrdinal(AgentId, other.AgentId);
            if (c == 0) c = string.CompareOrdinal(Environment, other.Environment);
            if (c == 0) c = string.CompareOrdinal(Decision, other.Decision);
            if (c == 0) c = string.CompareOrdinal(Feature, other.Feature);
            if (c == 0) c = string.CompareOrdinal(Detector, other.Detector);
            return c;
        }
    }

    private readonly record struct ScoreSample(double Score, double Threshold);
}
