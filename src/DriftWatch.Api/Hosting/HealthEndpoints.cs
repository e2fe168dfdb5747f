using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DriftWatch.Api.Hosting;

/// <summary>
/// <c>/healthz</c> (liveness: restart me) runs only the checks tagged live; <c>/readyz</c> (send me work) runs
/// the dependency checks too. Degraded counts as up on both: a missing topic is waited for, not restarted for.
/// </summary>
internal static class HealthEndpoints
{
    internal const string Live = "live";
    internal const string Ready = "ready";

    internal static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        ResponseWriter = WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };

    /// <summary>One line overall, then one per check, so an operator's curl says which dependency is down.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var lines = new List<string> { report.Status.ToString().ToLowerInvariant() };
        foreach (var (name, entry) in report.Entries.OrderBy(static e => e.Key, StringComparer.Ordinal))
        {
            lines.Add(entry.Description is { Length: > 0 } description
                ? $"{name}: {entry.Status.ToString().ToLowerInvariant()} ({description})"
                : $"{name}: {entry.Status.ToString().ToLowerInvariant()}");
        }

        return context.Response.WriteAsync(string.Join('\n', lines) + "\n", context.RequestAborted);
    }
}
