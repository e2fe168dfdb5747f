namespace DriftWatch.Simulation;

/// <summary>The behaviour change a <see cref="DriftScenario"/> injects into one agent.</summary>
public enum DriftKind
{
    /// <summary>Within one input segment the preferred team (escalations for urgency=high) loses most of its
    /// share to general and other teams; the fleet-wide outcome mix moves only a little.</summary>
    Misrouting,

    /// <summary>Reply sentiment shifts strongly negative.</summary>
    SentimentCollapse,

    /// <summary>Replies are written with a new vocabulary.</summary>
    NewReplyVocabulary,

    /// <summary>End-to-end latency doubles (at full strength).</summary>
    LatencyCreep,

    /// <summary>Mean decision confidence falls from about 0.8 to about 0.55.</summary>
    ConfidenceDrop,
}

/// <summary>How a drift reaches full strength after its onset.</summary>
public enum DriftMode
{
    /// <summary>Full strength from the onset event on.</summary>
    Sudden,

    /// <summary>Strength rises linearly over <see cref="DriftScenario.Ramp"/> events after the onset.</summary>
    Gradual,
}
