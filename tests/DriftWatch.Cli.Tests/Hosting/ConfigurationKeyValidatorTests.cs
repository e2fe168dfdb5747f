using DriftWatch.Cli.Hosting;
using Microsoft.Extensions.Configuration;

namespace DriftWatch.Cli.Tests.Hosting;

public sealed class ConfigurationKeyValidatorTests
{
    private static IConfiguration Config(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(static p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    [Fact]
    public void UnknownKeys_EveryKnownSettingShape_IsAccepted()
    {
        var configuration = Config(
            ("Kafka:BootstrapServers", "kafka:9092"),
            ("Kafka:Topics:0", "agent-decisions"),
            ("Kafka:Extra:security.protocol", "SASL_SSL"),
            ("Pipeline:BatchSize", "10"),
            ("Detection:ReferenceSize", "100"),
            ("Detection:UsePinnedSnapshots", "false"),
            ("Detection:Ml:Enabled", "true"),
            ("Detection:Ml:Seed", "1"),
            ("Api:Url", "http://0.0.0.0:9464"),
            ("Api:GrafanaTimestampHeader", "X-Grafana-Alerting-Signature-Timestamp"),
            ("Api:Rollback:AllowedAgents:0", "support-router"),
            ("Api:Rollback:RuntimeUrls:support-router", "http://runtime/control"),
            ("Api:Rollback:MaxConcurrentDeliveries", "4"),
            ("InfluxDb:Url", "http://influxdb:8086"),
            ("Snapshots:Directory", "/data/snapshots"),
            ("Resilience:Sinks:MaxRetryAttempts", "5"),
            ("Resilience:Sinks:Timeout", "00:00:30"),
            ("Resilience:DeadLetters:BaseDelay", "00:00:01"),
            ("Resilience:DeadLetters:MaxDelay", "00:00:30"),
            ("Tracing:OtlpEndpoint", "http://otel-collector:4317"),
            ("Tracing:SampleRatio", "0.1"),
            ("Logging:Level", "Debug"),
            ("SomethingElse:Anything", "is not DriftWatch's to judge"));

        Assert.Empty(SettingsKeys.Validator.UnknownKeys(configuration));
    }

    [Fact]
    public void ThrowIfUnknown_MisspeltKeysInKnownSections_NamesEachOne()
    {
        var configuration = Config(
            ("Kafka:BootstrapServer", "kafka:9092"),
            ("Api:BearerToken", "t"),
            ("Api:Rollback:AllowedAgent:0", "a"),
            ("Detection:Ml:Enable", "true"),
            ("Resilience:Sinks:MaxRetries", "3"),
            ("Tracing:Endpoint", "http://otel-collector:4317"),
            ("Logging:LogLevel:Default", "Debug"));

        var error = Assert.Throws<InvalidOperationException>(() => SettingsKeys.Validator.ThrowIfUnknown(configuration));

        Assert.Contains("Kafka:BootstrapServer,", error.Message, StringComparison.Ordinal);
        Assert.Contains("Api:Rollback:AllowedAgent", error.Message, StringComparison.Ordinal);
        Assert.Contains("Detection:Ml:Enable,", error.Message, StringComparison.Ordinal);
        Assert.Contains("Logging:LogLevel", error.Message, StringComparison.Ordinal);
        Assert.Contains("Resilience:Sinks:MaxRetries", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tracing:Endpoint", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Api:BearerToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKeyFromTheEnvironment_StopsStartUpNamingIt()
    {
        const string Variable = "DRIFTWATCH_Api__GrafanaSecret";
        Environment.SetEnvironmentVariable(Variable, "x");
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => DriftWatchSettings.Load(configPath: null));

            Assert.Contains("Api:GrafanaSecret", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }
}
