using DriftWatch.Api.Metrics;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Api.Tests;

public sealed class DriftMetricsTests
{
    private static FeatureScore Score(string feature, double score, double threshold, string agent = "router-a") => new(
        new BehaviourKey(agent, "production", "route"),
        feature,
        "chi2",
        score,
        threshold,
        DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch,
        100,
        100);

    [Fact]
    public void ToPrometheusText_RecordedScore_WritesScoreAndThresholdGaugesWithAllLabels()
    {
        var metrics = new DriftMetrics();
        metrics.Record(Score("decision.outcome", 41.25, 18.5));

        var text = metrics.ToPrometheusText();

        Assert.Contains("# TYPE driftwatch_drift_score gauge\n", text, StringComparison.Ordinal);
        Assert.Contains(
            "driftwatch_drift_score{agent_id=\"router-a\",environment=\"production\",decision=\"route\",feature=\"decision.outcome\",detector=\"chi2\"} 41.25\n",
            text,
            StringComparison.Ordinal);
        Assert.Contains(
            "driftwatch_drift_threshold{agent_id=\"router-a\",environment=\"production\",decision=\"route\",feature=\"decision.outcome\",detector=\"chi2\"} 18.5\n",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Record_SameSeriesTwice_KeepsTheLatestValueOnly()
    {
        var metrics = new DriftMetrics();
        metrics.Record(Score("decision.outcome", 1, 18.5));
        metrics.Record(Score("decision.outcome", 2, 18.5));

        var lines = metrics.ToPrometheusText().Split('\n').Where(static l => l.StartsWith("driftwatch_drift_score{", StringComparison.Ordinal)).ToArray();

        Assert.Single(lines);
        Assert.EndsWith(" 2", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ToPrometheusText_LabelWithQuoteBackslashAndNewline_IsEscaped()
    {
        var metrics = new DriftMetrics();
        metrics.Record(Score("labels.q\"x\\y\nz", 1, 2));

        var text = metrics.ToPrometheusText();

        Assert.Contains("feature=\"labels.q\\\"x\\\\y\\nz\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Increment_Counter_IsExposedWithTotalSuffix()
    {
        var metrics = new DriftMetrics();
        metrics.Increment(PipelineCounter.EventsReceived, 5);
        metrics.Increment(PipelineCounter.EventsReceived);

        var text = metrics.ToPrometheusText();

        Assert.Equal(6, metrics.Read(PipelineCounter.EventsReceived));
        Assert.Contains("# TYPE driftwatch_events_received_total counter\ndriftwatch_events_received_total 6\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    public void FormatValue_SpecialValues_UsePrometheusSpelling(double value, string expected) =>
        Assert.Equal(expected, DriftMetrics.FormatValue(value));

    [Fact]
    public void Forget_Agent_RemovesOnlyItsSeries()
    {
        var metrics = new DriftMetrics();
        metrics.Record(Score("decision.outcome", 1, 2, agent: "a"));
        metrics.Record(Score("decision.outcome", 1, 2, agent: "b"));

        metrics.Forget("a");

        var text = metrics.ToPrometheusText();
        Assert.DoesNotContain("agent_id=\"a\"", text, StringComparison.Ordinal);
        Assert.Contains("agent_id=\"b\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToPrometheusText_PipelineLatencyRecorded_CountsItInItsHistogramBucket()
    {
        var metrics = new DriftMetrics();
        using var meter = new System.Diagnostics.Metrics.Meter("DriftWatch.Pipeline"); // the pipeline's meter name
        var histogram = meter.CreateHistogram<double>("driftwatch.pipeline.event_to_alert", "ms");
        long below = Bucket(metrics.ToPrometheusText(), "25");
        long at = Bucket(metrics.ToPrometheusText(), "50");

        histogram.Record(30);
        var text = metrics.ToPrometheusText();

        Assert.Contains("# TYPE driftwatch_event_to_alert_milliseconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE driftwatch_event_to_results_milliseconds histogram\n", text, StringComparison.Ordinal);
        Assert.Equal(below, Bucket(text, "25"));
        Assert.Equal(at + 1, Bucket(text, "50"));
    }

    private static long Bucket(string text, string bound)
    {
        string prefix = $"driftwatch_event_to_alert_milliseconds_bucket{{le=\"{bound}\"}} ";
        string line = text.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return long.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
