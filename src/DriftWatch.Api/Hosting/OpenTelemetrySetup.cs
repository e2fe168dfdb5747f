using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace DriftWatch.Api.Hosting;

/// <summary>The OpenTelemetry SDK's metrics in the API's host: Prometheus scraping always, OTLP when configured.</summary>
internal static class OpenTelemetrySetup
{
    /// <summary>
    /// Where the SDK's Prometheus exporter answers. Not <c>/metrics</c>: that path keeps the hand-written
    /// <c>driftwatch_*</c> series (with the names dashboards and alert rules use), which the SDK would rename.
    /// </summary>
    internal const string ScrapePath = "/metrics/otel";

    internal static void AddMetrics(IServiceCollection services, DriftWatchApiOptions options, IEnumerable<string> meters)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(static resource => resource.AddService("driftwatch"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
                foreach (var meter in meters)
                {
                    metrics.AddMeter(meter);
                }

                metrics.AddPrometheusExporter(static prometheus => prometheus.ScrapeEndpointPath = ScrapePath);
                if (options.OtlpEndpoint is { Length: > 0 } endpoint)
                {
                    metrics.AddOtlpExporter(otlp => otlp.Endpoint = new Uri(endpoint));
                }
            });
    }
}
