namespace DriftWatch.InfluxDb;

/// <summary>
/// Measurement, tag and field names written by the sink (docs/influxdb.md). Dashboards and alert rules in
/// grafana/ query these names, so renaming one is a breaking change.
/// </summary>
public static class InfluxSchema
{
    /// <summary>Measurement: one detector's score for one feature of one behaviour, per closed window.</summary>
    public const string DriftScore = "drift_score";

    /// <summary>Measurement: the start of a drift alert episode, with title and text for annotations.</summary>
    public const string DriftAlert = "drift_alert";

    /// <summary>Measurement: per-behaviour window statistics (event count, window length).</summary>
    public const string WindowStats = "window_stats";

    /// <summary>Measurement: one outcome's share of a closed window.</summary>
    public const string WindowOutcome = "window_outcome";

    /// <summary>Measurement: one numeric feature's mean over a closed window.</summary>
    public const string WindowNumeric = "window_numeric";

    /// <summary>
    /// Measurement: one agent-to-agent edge (who feeds whom) with its cumulative volume, written with each
    /// health reading; the fleet dashboard's agent graph reads it (docs/propagation.md).
    /// </summary>
    public const string AgentEdge = "agent_edge";

    /// <summary>Measurement: a reading of the pipeline's own health, per instance.</summary>
    public const string PipelineHealth = "pipeline_health";

    /// <summary>Tag names. Each has bounded cardinality; event ids never become tags.</summary>
    public static class Tags
    {
        public const string AgentId = "agent_id";
        public const string Environment = "environment";
        public const string Decision = "decision";
        public const string Feature = "feature";
        public const string Detector = "detector";
        public const string Severity = "severity";
        public const string Outcome = "outcome";
        public const string Instance = "instance";
        public const string Parent = "parent";
        public const string Child = "child";
    }

    /// <summary>Field names.</summary>
    public static class Fields
    {
        public const string Score = "score";
        public const string Threshold = "threshold";
        public const string ScoreRatio = "score_ratio";
        public const string Exceeded = "exceeded";
        public const string ReferenceCount = "reference_count";
        public const string CurrentCount = "current_count";
        public const string WindowSeconds = "window_seconds";
        public const string Title = "title";
        public const string Text = "text";
        public const string AlertTags = "tags";
        public const string EventCount = "event_count";
        public const string Share = "share";
        public const string Events = "events";
        public const string Value = "value";
        public const string EventsProcessed = "events_processed";
        public const string EventsPerSecond = "events_per_second";
        public const string DeadLettered = "dead_lettered";
        public const string ConsumerLag = "consumer_lag";
        public const string EdgeId = "edge_id";
    }
}
