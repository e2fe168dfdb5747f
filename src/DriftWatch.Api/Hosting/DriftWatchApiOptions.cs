namespace DriftWatch.Api.Hosting;

/// <summary>Settings of the DriftWatch HTTP API (section <c>DriftWatch:Api</c> by convention).</summary>
public sealed class DriftWatchApiOptions
{
    /// <summary>Address Kestrel listens on. Default <c>http://127.0.0.1:9464</c>; port 0 picks a free port.</summary>
    public string Url { get; set; } = "http://127.0.0.1:9464";

    /// <summary>Largest request body accepted; larger ones get 413. Default 256 KiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Shared secret of Grafana's webhook HMAC signature (HMAC-SHA256, hex). When set, Grafana
    /// notifications must carry a valid signature unless they present <see cref="BearerToken"/>.
    /// </summary>
    public string? GrafanaHmacSecret { get; set; }

    /// <summary>Header carrying Grafana's signature. Default <c>X-Grafana-Alerting-Signature</c> (Grafana's default).</summary>
    public string GrafanaSignatureHeader { get; set; } = "X-Grafana-Alerting-Signature";

    /// <summary>
    /// Header carrying the Unix timestamp Grafana signed with (<c>timestamp:body</c>), as configured in the
    /// contact point. Null (default) when the contact point signs the body alone.
    /// </summary>
    public string? GrafanaTimestampHeader { get; set; }

    /// <summary>How far a signed timestamp may be from now before the request is refused. Default 5 minutes.</summary>
    public TimeSpan GrafanaTimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Token expected as <c>Authorization: Bearer ...</c> (Alertmanager's <c>http_config.authorization</c>,
    /// or Grafana's authorization header). Required for the Alertmanager webhook.
    /// </summary>
    public string? BearerToken { get; set; }

    /// <summary>
    /// Token <c>GET /api/audit</c> expects as <c>Authorization: Bearer ...</c>. Null (default): the
    /// <see cref="BearerToken"/>. The audit trail is never served without one of them.
    /// </summary>
    public string? AuditBearerToken { get; set; }

    /// <summary>
    /// Token <c>GET /metrics</c> expects as <c>Authorization: Bearer ...</c> (Prometheus'
    /// <c>authorization</c> scrape setting). Null (default): <c>/metrics</c> is open, as it carries scores
    /// and counters, no secrets; <c>/healthz</c> and <c>/readyz</c> are always open for orchestrators.
    /// </summary>
    public string? MetricsBearerToken { get; set; }

    /// <summary>Default number of records <c>GET /api/audit</c> returns. Default 200.</summary>
    public int AuditPageSize { get; set; } = 200;

    /// <summary>What happens when an alert arrives.</summary>
    public RollbackOptions Rollback { get; set; } = new();

    /// <summary>
    /// OTLP collector that also receives the OpenTelemetry metrics (e.g. <c>http://otel-collector:4317</c>, gRPC).
    /// Default: none; <c>/metrics/otel</c> serves them to Prometheus either way.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Checks every setting and returns one message per problem, naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(ValidateListener());
        if (string.IsNullOrEmpty(GrafanaHmacSecret) && string.IsNullOrEmpty(BearerToken))
        {
            errors.Add("DriftWatch:Api: set GrafanaHmacSecret or BearerToken; webhooks are never accepted unauthenticated.");
        }

        if (string.IsNullOrWhiteSpace(GrafanaSignatureHeader))
        {
            errors.Add("DriftWatch:Api:GrafanaSignatureHeader must not be empty.");
        }

        if (GrafanaTimestampTolerance <= TimeSpan.Zero)
        {
            errors.Add("DriftWatch:Api:GrafanaTimestampTolerance must be positive.");
        }

        if (AuditPageSize < 1)
        {
            errors.Add("DriftWatch:Api:AuditPageSize must be at least 1.");
        }

        errors.AddRange(Rollback.Validate());
        return errors;
    }

    /// <summary>The settings a server without webhooks needs (address, body limit, OTLP endpoint); every problem, each naming its setting.</summary>
    public IReadOnlyList<string> ValidateListener()
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"DriftWatch:Api:Url must be an absolute http(s) URL, got '{Url}'.");
        }

        if (MaxRequestBodyBytes < 1024)
        {
            errors.Add("DriftWatch:Api:MaxRequestBodyBytes must be at least 1024.");
        }

        if (!string.IsNullOrEmpty(OtlpEndpoint) && (!Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var otlp) || (otlp.Scheme != Uri.UriSchemeHttp && otlp.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"DriftWatch:Api:OtlpEndpoint must be an absolute http(s) URL, got '{OtlpEndpoint}'.");
        }

        return errors;
    }
}
