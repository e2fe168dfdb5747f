using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DriftWatch.Cli.Hosting.Health;

/// <summary>Ready when InfluxDB answers <c>/ping</c> (served without authentication by 1.x, 2.x and 3.x).</summary>
internal sealed class InfluxHealthCheck(Uri url, TimeSpan timeout) : IHealthCheck, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = timeout };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(url, "ping"), cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"InfluxDB /ping answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"InfluxDB at {url.GetLeftPart(UriPartial.Authority)} did not answer: {ex.Message}");
        }
    }

    public void Dispose() => _http.Dispose();
}
