using Microsoft.Extensions.Configuration;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// The <c>Tracing</c> section: where DriftWatch exports its spans (consume, detect, alert publish, webhook,
/// rollback publish). W3C trace context is read from and written to Kafka headers whether or not spans are exported.
/// </summary>
internal sealed class TracingOptions
{
    /// <summary>OTLP/gRPC endpoint of a collector (e.g. <c>http://otel-collector:4317</c>). Default: none, no spans are recorded.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Share of new traces recorded, 0 to 1; a trace an agent started follows the agent's sampling decision. Default 1.</summary>
    public double SampleRatio { get; set; } = 1.0;

    internal static TracingOptions From(IConfiguration configuration)
    {
        var options = new TracingOptions();
        configuration.GetSection("Tracing").Bind(options);
        return options;
    }

    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    internal void Validate()
    {
        if (!string.IsNullOrEmpty(OtlpEndpoint) && (!Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"Tracing:OtlpEndpoint must be an absolute http(s) URL, got '{OtlpEndpoint}'.");
        }

        if (SampleRatio is < 0 or > 1 || double.IsNaN(SampleRatio))
        {
            throw new ArgumentException($"Tracing:SampleRatio must be between 0 and 1, got {SampleRatio}.");
        }
    }
}
