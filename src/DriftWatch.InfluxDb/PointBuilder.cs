using System.Globalization;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Results;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using F = DriftWatch.InfluxDb.InfluxSchema.Fields;
using T = DriftWatch.InfluxDb.InfluxSchema.Tags;

namespace DriftWatch.InfluxDb;

/// <summary>
/// Turns a result batch into line protocol. Both write modes send these lines, so V1 and V2 servers hold
/// identical series. Timestamps are milliseconds: the stream's event times carry no finer precision, and
/// a re-delivered batch (at-least-once) then overwrites the same points instead of adding new ones.
/// </summary>
internal static class PointBuilder
{
    private const WritePrecision Precision = WritePrecision.Ms;

    public static List<string> Build(ResultBatch batch)
    {
        var lines = new List<string>(batch.Scores.Count + (batch.Alerts.Count * 2) + (batch.Windows.Count * 4) + 1);
        foreach (var score in batch.Scores)
        {
            Add(lines, Score(score));
        }

        foreach (var alert in batch.Alerts)
        {
            Add(lines, Alert(alert));
        }

        foreach (var window in batch.Windows)
        {
            Add(lines, WindowStats(window));
            foreach (var (outcome, share) in window.OutcomeShares)
            {
                Add(lines, WindowOutcome(window, outcome, share));
            }

            foreach (var (feature, mean) in window.NumericMeans)
            {
                Add(lines, WindowNumeric(window, feature, mean));
            }
        }

        if (batch.Health is { } health)
        {
            Add(lines, Health(health));
        }

        foreach (var edge in batch.Edges)
        {
            Add(lines, Edge(edge));
        }

        return lines;
    }

    internal static PointData.Builder Score(FeatureScore s)
    {
        var point = Behaviour(InfluxSchema.DriftScore, s.Key)
            .Tag(T.Feature, TagValue(s.Feature))
            .Tag(T.Detector, TagValue(s.Detector));
        Float(point, F.Score, s.Score);
        Float(point, F.Threshold, s.Threshold);
        if (s.Threshold > 0)
        {
            Float(point, F.ScoreRatio, s.Score / s.Threshold);
        }

        return point
            .Field(F.Exceeded, s.Exceeded ? 1L : 0L)
            .Field(F.ReferenceCount, s.ReferenceCount)
            .Field(F.CurrentCount, s.CurrentCount)
            .Field(F.WindowSeconds, (s.WindowEnd - s.WindowStart).TotalSeconds)
            .Timestamp(s.At, Precision);
    }

    internal static PointData.Builder Alert(DriftAlert a)
    {
        var severity = a.Severity == AlertSeverity.Critical ? "critical" : "warning";
        var point = Behaviour(InfluxSchema.DriftAlert, a.Key)
            .Tag(T.Feature, TagValue(a.Feature))
            .Tag(T.Detector, TagValue(a.Detector))
            .Tag(T.Severity, severity);
        Float(point, F.Score, a.Score);
        Float(point, F.Threshold, a.Threshold);
        if (a.Threshold > 0)
        {
            Float(point, F.ScoreRatio, a.Score / a.Threshold);
        }

        return point
            .Field(F.Title, OneLine($"{a.Key.AgentId} ({a.Key.Environment}): {a.Feature} drifted"))
            .Field(F.Text, OneLine(AlertText(a)))
            .Field(F.AlertTags, OneLine($"{a.Key.AgentId},{a.Key.Environment},{severity}"))
            .Field(F.WindowSeconds, (a.WindowEnd - a.WindowStart).TotalSeconds)
            .Timestamp(a.DetectedAt, Precision);
    }

    internal static PointData.Builder WindowStats(WindowSummary w) =>
        Behaviour(InfluxSchema.WindowStats, w.Key)
            .Field(F.EventCount, w.EventCount)
            .Field(F.WindowSeconds, (w.WindowEnd - w.WindowStart).TotalSeconds)
            .Timestamp(w.WindowEnd, Precision);

    internal static PointData.Builder WindowOutcome(WindowSummary w, string outcome, double share)
    {
        var point = Behaviour(InfluxSchema.WindowOutcome, w.Key).Tag(T.Outcome, TagValue(outcome));
        Float(point, F.Share, share);
        if (double.IsFinite(share))
        {
            point.Field(F.Events, (long)Math.Round(share * w.EventCount));
        }

        return point.Timestamp(w.WindowEnd, Precision);
    }

    internal static PointData.Builder WindowNumeric(WindowSummary w, string feature, double mean)
    {
        var point = Behaviour(InfluxSchema.WindowNumeric, w.Key).Tag(T.Feature, TagValue(feature));
        Float(point, F.Value, mean);
        return point.Timestamp(w.WindowEnd, Precision);
    }

    internal static PointData.Builder Health(PipelineHealth h)
    {
        var point = PointData.Builder.Measurement(InfluxSchema.PipelineHealth)
            .Tag(T.Instance, TagValue(h.InstanceId))
            .Field(F.EventsProcessed, h.EventsProcessed)
            .Field(F.DeadLettered, h.DeadLettered)
            .Field(F.ConsumerLag, h.ConsumerLag);
        Float(point, F.EventsPerSecond, h.EventsPerSecond);
        return point.Timestamp(h.At, Precision);
    }

    // Stamped with the edge's last event time: rewriting an unchanged edge overwrites its point.
    internal static PointData.Builder Edge(Core.Propagation.AgentEdge e) =>
        PointData.Builder.Measurement(InfluxSchema.AgentEdge)
            .Tag(T.Environment, TagValue(e.Environment))
            .Tag(T.Parent, TagValue(e.Parent))
            .Tag(T.Child, TagValue(e.Child))
            .Field(F.Events, e.Events)
            .Field(F.EdgeId, $"{e.Parent}->{e.Child}")
            .Timestamp(e.LastSeen, Precision);

    private static PointData.Builder Behaviour(string measurement, BehaviourKey key) =>
        PointData.Builder.Measurement(measurement)
            .Tag(T.AgentId, TagValue(key.AgentId))
            .Tag(T.Environment, TagValue(key.Environment))
            .Tag(T.Decision, TagValue(key.DecisionName));

    // Line protocol has no NaN or infinity; a field that cannot be written is left out rather than
    // failing the whole request, which would block the stream behind one bad number.
    private static void Float(PointData.Builder point, string name, double value)
    {
        if (double.IsFinite(value))
        {
            point.Field(name, value);
        }
    }

    private static void Add(List<string> lines, PointData.Builder point)
    {
        if (point.HasFields())
        {
            lines.Add(point.ToPointData().ToLineProtocol());
        }
    }

    private static string AlertText(DriftAlert a)
    {
        var text = string.IsNullOrWhiteSpace(a.Summary)
            ? string.Create(CultureInfo.InvariantCulture, $"{a.Detector} score {a.Score:G4} above threshold {a.Threshold:G4}")
            : a.Summary;
        if (a.TopShifts.Count == 0)
        {
            return text;
        }

        var shifts = string.Join("; ", a.TopShifts.Take(3).Select(s =>
            string.Create(CultureInfo.InvariantCulture, $"{s.Value} {s.Reference:G3} -> {s.Current:G3}")));
        return $"{text} ({shifts})";
    }

    // Line protocol ends a point at a newline, and escaping does not cover it; an empty tag value would be
    // dropped by the writer, so it gets a visible placeholder that keeps the series apart.
    internal static string TagValue(string? value) =>
        string.IsNullOrEmpty(value) ? "(none)" : OneLine(value);

    private static string OneLine(string value) =>
        value.AsSpan().IndexOfAny('\n', '\r') < 0 ? value : value.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');
}
