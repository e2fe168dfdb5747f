namespace DriftWatch.Api.Metrics;

/// <summary>Pipeline counters exposed on <c>/metrics</c>; each maps to one <c>driftwatch_*_total</c> series.</summary>
public enum PipelineCounter
{
    /// <summary><c>driftwatch_events_received_total</c>: messages read from the input topics.</summary>
    EventsReceived,

    /// <summary><c>driftwatch_events_rejected_total</c>: messages that failed validation and went to the DLQ.</summary>
    EventsRejected,

    /// <summary><c>driftwatch_scores_total</c>: feature scores computed.</summary>
    ScoresComputed,

    /// <summary><c>driftwatch_alerts_total</c>: drift alerts raised by the detectors.</summary>
    AlertsRaised,

    /// <summary><c>driftwatch_sink_failures_total</c>: writes a sink reported as failed.</summary>
    SinkFailures,

    /// <summary><c>driftwatch_webhook_notifications_total</c>: alert notifications accepted by the webhooks.</summary>
    WebhookNotifications,

    /// <summary><c>driftwatch_webhook_rejected_total</c>: webhook requests refused (auth, size, malformed).</summary>
    WebhookRejected,

    /// <summary><c>driftwatch_rollbacks_executed_total</c>: rollback commands delivered.</summary>
    RollbacksExecuted,

    /// <summary><c>driftwatch_rollbacks_failed_total</c>: rollback commands that could not be delivered.</summary>
    RollbacksFailed,
}
