using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Results;
using OpenTelemetry.Context.Propagation;

namespace DriftWatch.Api.Tracing;

/// <summary>
/// The API's spans: "webhook" (one per received alert) and "rollback publish". The alert reaches the webhook
/// through Prometheus or Grafana, which keep no trace context, so the webhook continues the trace of the alert
/// DriftWatch published for the same agent, environment and feature (<see cref="AlertTraceRegistry"/>), linked to
/// the HTTP request's own trace when there is one.
/// </summary>
internal static class ApiTracing
{
    internal static readonly ActivitySource Source = new(AlertTrace.ActivitySourceName);

    private static readonly TraceContextPropagator Propagator = new();

    /// <summary>
    /// The "webhook" span of one alert. Without a listener it is a bare <see cref="Activity"/> (not exported) when the
    /// alert's trace is known, so the rollback command still carries that trace; null when neither applies.
    /// </summary>
    internal static Activity? StartWebhook(AlertTraceRegistry? traces, string agentId, string environment, string feature, string source)
    {
        var alert = traces?.Find(agentId, environment, feature) ?? default;
        if (Source.HasListeners())
        {
            var request = Activity.Current;
            ActivityLink[]? links = alert != default && request is not null ? [new ActivityLink(request.Context)] : null;
            var activity = Source.StartActivity("webhook", ActivityKind.Server, alert, links: links);
            activity?.SetTag("driftwatch.agent_id", agentId);
            activity?.SetTag("driftwatch.feature", feature);
            activity?.SetTag("driftwatch.alert_source", source);
            return activity;
        }

        if (alert == default)
        {
            return null;
        }

        // Webhooks are rare, so this unexported carrier of the alert's context costs nothing that matters.
        var carrier = new Activity("webhook");
        carrier.SetParentId(alert.TraceId, alert.SpanId, alert.TraceFlags);
        return carrier.Start();
    }

    /// <summary>The "rollback publish" span under the current one; null when nobody listens.</summary>
    internal static Activity? StartRollbackPublish(string topic)
    {
        var activity = Source.StartActivity("rollback publish", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.destination.name", topic);
        return activity;
    }

    /// <summary>Writes the W3C context of <paramref name="activity"/> into <paramref name="headers"/>.</summary>
    internal static void Inject(Activity? activity, Headers headers)
    {
        if (activity is null || activity.Context == default)
        {
            return;
        }

        Propagator.Inject(new PropagationContext(activity.Context, default), headers, static (h, name, value) =>
        {
            h.Remove(name);
            h.Add(name, Encoding.UTF8.GetBytes(value));
        });
    }
}
