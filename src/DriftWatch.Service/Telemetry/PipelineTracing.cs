using System.Diagnostics;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Results;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Tracing;

namespace DriftWatch.Service.Telemetry;

/// <summary>
/// The pipeline's spans: "consume" (child of the trace context in the message's headers) and "detect". They
/// are started only while someone listens to the <c>DriftWatch</c> activity source; otherwise an event costs one
/// header lookup, and an incoming trace context is still handed on to the alerts the event raises.
/// </summary>
internal static class PipelineTracing
{
    internal static readonly ActivitySource Source = new(AlertTrace.ActivitySourceName);

    /// <summary>The context the message's processing continues: its "consume" span, or the context it arrived with.</summary>
    internal static ActivityContext Consume(ConsumedMessage message)
    {
        if (message.IsControl)
        {
            return default;
        }

        var parent = KafkaTraceContext.Extract(message.Headers);
        if (!Source.HasListeners())
        {
            return parent;
        }

        using var activity = Source.StartActivity("consume", ActivityKind.Consumer, parent);
        if (activity is null)
        {
            return parent;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.destination.name", message.Topic);
            activity.SetTag("messaging.destination.partition.id", message.Partition);
            activity.SetTag("messaging.kafka.offset", message.Offset);
        }

        return activity.Context;
    }

    /// <summary>A "detect" span under <paramref name="parent"/>; null when nobody listens (or the sampler declines).</summary>
    internal static Activity? StartDetect(ActivityContext parent) =>
        Source.HasListeners() ? Source.StartActivity("detect", ActivityKind.Internal, parent) : null;

    /// <summary>Attaches the context the alerts of <paramref name="step"/> were raised in, for the alert sink.</summary>
    internal static void AttachAlerts(DetectionStep step, ActivityContext context)
    {
        if (context == default)
        {
            return;
        }

        foreach (var alert in step.Alerts)
        {
            AlertTrace.Attach(alert, context);
        }
    }
}
