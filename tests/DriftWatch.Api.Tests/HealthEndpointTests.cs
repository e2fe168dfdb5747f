using System.Net;
using DriftWatch.Api.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DriftWatch.Api.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Readyz_DependencyCheckUnhealthy_Is503NamingItWhileHealthzStaysUp()
    {
        var options = new DriftWatchApiOptions
        {
            Url = "http://127.0.0.1:0",
            BearerToken = "webhook-token",
            Rollback = new RollbackOptions { AuditFilePath = Path.Combine(Directory.CreateTempSubdirectory("driftwatch-health-").FullName, "audit.jsonl") },
        };
        await using var api = new DriftWatchApiBuilder(options)
            .AddHealthCheck("kafka", new FixedCheck(HealthCheckResult.Unhealthy("no broker answered")))
            .AddHealthCheck("influxdb", new FixedCheck(HealthCheckResult.Healthy()))
            .Build();
        await api.StartAsync(CancellationToken.None);
        using var http = new HttpClient();

        using var ready = await http.GetAsync(new Uri(api.Address, "/readyz"));
        using var live = await http.GetAsync(new Uri(api.Address, "/healthz"));
        var body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("kafka: unhealthy (no broker answered)", body, StringComparison.Ordinal);
        Assert.Contains("influxdb: healthy", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Readyz_DependencyDegraded_IsStillReady()
    {
        var options = new DriftWatchApiOptions
        {
            Url = "http://127.0.0.1:0",
            BearerToken = "webhook-token",
            Rollback = new RollbackOptions { AuditFilePath = Path.Combine(Directory.CreateTempSubdirectory("driftwatch-health-").FullName, "audit.jsonl") },
        };
        await using var api = new DriftWatchApiBuilder(options).AddHealthCheck("kafka", new FixedCheck(HealthCheckResult.Degraded("topic(s) missing: x"))).Build();
        await api.StartAsync(CancellationToken.None);
        using var http = new HttpClient();

        using var ready = await http.GetAsync(new Uri(api.Address, "/readyz"));
        await api.StopAsync(CancellationToken.None);

        // Degraded (a missing topic is waited for) still counts as ready.
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private sealed class FixedCheck(HealthCheckResult result) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Task.FromResult(result);
    }
}
