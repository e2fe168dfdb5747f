using System.Text.Json;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Metrics;
using DriftWatch.Api.Rollback;
using DriftWatch.Api.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Api.Webhooks;

/// <summary>
/// POST /webhooks/grafana and /webhooks/alertmanager: size limit (413), authentication (401, nothing
/// recorded), parsing (400), then the rollback coordinator (200, 422, or 503 when a delivery failed or, with Retry-After, while detection state is restored and the agent is not known yet).
/// </summary>
internal sealed partial class WebhookEndpoint
{
    private readonly DriftWatchApiOptions _options;
    private readonly WebhookAuthenticator _authenticator;
    private readonly RollbackCoordinator _coordinator;
    private readonly DriftMetrics _metrics;
    private readonly ILogger _logger;

    public WebhookEndpoint(
        DriftWatchApiOptions options,
        WebhookAuthenticator authenticator,
        RollbackCoordinator coordinator,
        DriftMetrics metrics,
        ILogger logger)
    {
        _options = options;
        _authenticator = authenticator;
        _coordinator = coordinator;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context, AlertSource source)
    {
        var cancellationToken = context.RequestAborted;
        var body = await BoundedBody.ReadAsync(context.Request, _options.MaxRequestBodyBytes, cancellationToken);
        if (body is null)
        {
            await RefuseAsync(context, source, StatusCodes.Status413PayloadTooLarge, $"request body exceeds {_options.MaxRequestBodyBytes} bytes");
            return;
        }

        var unauthenticated = _authenticator.Check(source, context.Request.Headers, body);
        if (unauthenticated is not null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RefuseAsync(context, source, StatusCodes.Status401Unauthorized, unauthenticated);
            return;
        }

        if (!AlertPayloadParser.TryParse(body, source, out var notification, out var error))
        {
            await RefuseAsync(context, source, StatusCodes.Status400BadRequest, error!);
            return;
        }

        _metrics.Increment(PipelineCounter.WebhookNotifications);
        var outcome = await _coordinator.HandleAsync(notification!, cancellationToken);
        if (outcome.StatusCode >= 400 && outcome.StatusCode < 500)
        {
            _metrics.Increment(PipelineCounter.WebhookRejected);
        }

        context.Response.StatusCode = outcome.StatusCode;
        if (outcome.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await context.Response.WriteAsJsonAsync(new WebhookResponse(outcome.Error, outcome.Results), ApiJson.Options, cancellationToken);
    }

    private async Task RefuseAsync(HttpContext context, AlertSource source, int statusCode, string reason)
    {
        _metrics.Increment(PipelineCounter.WebhookRejected);
        LogRefused(RollbackPlanner.SourceName(source), statusCode, reason);
        context.Response.StatusCode = statusCode;
        await context.Response.WriteAsJsonAsync(new WebhookResponse(reason, []), ApiJson.Options, context.RequestAborted);
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Refused a {Source} webhook request with {StatusCode}: {Reason}")]
    private partial void LogRefused(string source, int statusCode, string reason);
}

internal sealed record WebhookResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("error")] string? Error,
    [property: System.Text.Json.Serialization.JsonPropertyName("results")] IReadOnlyList<AlertOutcome> Results);

internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
