using System.Diagnostics.Metrics;
using System.Net;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Metrics;

namespace DriftWatch.Api.Tests;

public sealed class OpenTelemetryMetricsTests
{
    private static DriftWatchApiOptions Options(string? metricsToken = null) => new()
    {
        Url = "http://127.0.0.1:0",
        BearerToken = "webhook-token",
        MetricsBearerToken = metricsToken,
        Rollback = new RollbackOptions { AuditFilePath = Path.Combine(Directory.CreateTempSubdirectory("driftwatch-otel-").FullName, "audit.jsonl") },
    };

    [Fact]
    public async Task ScrapeEndpoint_AddedMeterHistogram_IsExportedBesideTheHandWrittenSeries()
    {
        var meterName = "DriftWatch.Test." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName);
        var histogram = meter.CreateHistogram<double>("driftwatch.test.duration", unit: "s");
        var metrics = new DriftMetrics();
        metrics.Increment(PipelineCounter.EventsReceived, 3);
        await using var api = new DriftWatchApiBuilder(Options()).UseMetrics(metrics).AddMeter(meterName).Build();
        await api.StartAsync(CancellationToken.None);
        histogram.Record(0.25);
        using var http = new HttpClient();

        var otel = await http.GetStringAsync(new Uri(api.Address, "/metrics/otel"));
        var handWritten = await http.GetStringAsync(new Uri(api.Address, "/metrics"));

        Assert.Contains("driftwatch_test_duration_seconds_bucket", otel, StringComparison.Ordinal);
        Assert.Contains("driftwatch_test_duration_seconds_count", otel, StringComparison.Ordinal);
        Assert.Contains("driftwatch_events_received_total 3", handWritten, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScrapeEndpoint_MetricsTokenConfigured_RefusesWithoutIt()
    {
        await using var api = new DriftWatchApiBuilder(Options(metricsToken: "scrape-token")).Build();
        await api.StartAsync(CancellationToken.None);
        using var http = new HttpClient();

        using var refused = await http.GetAsync(new Uri(api.Address, "/metrics/otel"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.Address, "/metrics/otel"));
        request.Headers.Authorization = new("Bearer", "scrape-token");
        using var accepted = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public void Validate_OtlpEndpointNotAUrl_NamesTheSetting()
    {
        var options = Options();
        options.OtlpEndpoint = "collector:4317";

        Assert.Contains(options.Validate(), static e => e.Contains("Api:OtlpEndpoint", StringComparison.Ordinal));
    }
}
