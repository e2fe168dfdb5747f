using Confluent.Kafka;
using DriftWatch.Kafka.Consuming;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DriftWatch.Cli.Hosting.Health;

/// <summary>
/// Ready when a broker answers a metadata request with the same client settings as the consumer and every input
/// topic exists. Degraded while a topic is missing (the pipeline waits for it or creates it).
/// </summary>
internal sealed class KafkaHealthCheck : IHealthCheck, IDisposable
{
    private readonly KafkaConsumerOptions _options;
    private readonly TimeSpan _timeout;
    private readonly Lazy<IAdminClient> _admin;

    internal KafkaHealthCheck(KafkaConsumerOptions options, TimeSpan timeout)
    {
        _options = options;
        _timeout = timeout;
        _admin = new Lazy<IAdminClient>(() =>
        {
            var config = new AdminClientConfig();
            options.ApplyClientSettings(config);
            config.ClientId = $"driftwatch-health-{Environment.ProcessId}";
            // Connection failures are this check's answer; librdkafka's own log lines about them add nothing.
            return new AdminClientBuilder(config).SetLogHandler(static (_, _) => { }).Build();
        });
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // GetMetadata blocks up to the timeout; a probe must not hold a request thread that long.
            var metadata = await Task.Run(() => _admin.Value.GetMetadata(_timeout), cancellationToken).ConfigureAwait(false);
            if (metadata.Brokers.Count == 0)
            {
                return HealthCheckResult.Unhealthy("no Kafka broker answered");
            }

            var known = metadata.Topics.Where(static t => t.Error.Code == ErrorCode.NoError).Select(static t => t.Topic).ToHashSet(StringComparer.Ordinal);
            var missing = _options.Topics.Where(t => !known.Contains(t)).ToList();
            return missing.Count == 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s)")
                : HealthCheckResult.Degraded($"topic(s) missing: {string.Join(", ", missing)}");
        }
        catch (KafkaException ex)
        {
            return HealthCheckResult.Unhealthy($"Kafka at {_options.BootstrapServers}: {ex.Error.Reason}");
        }
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
