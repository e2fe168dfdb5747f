using Confluent.Kafka;
using DriftWatch.Cli.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DriftWatch.Cli.Tests.Hosting;

public sealed class DriftWatchHostTests
{
    private static IConfiguration Config(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(static p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    [Fact]
    public void ApiBuilder_KafkaExtra_ReachesTheRollbackProducer()
    {
        var settings = DriftWatchSettings.From(Config(
            ("Kafka:BootstrapServers", "kafka-1:9093"),
            ("Kafka:Extra:security.protocol", "SASL_SSL"),
            ("Kafka:Extra:sasl.mechanism", "SCRAM-SHA-512"),
            ("Kafka:Extra:sasl.username", "driftwatch"),
            ("Api:BearerToken", "token")));

        var config = DriftWatchServiceCollectionExtensions.ApiBuilder(settings)!.CreateProducerConfig();

        Assert.Equal("kafka-1:9093", config.BootstrapServers);
        Assert.Equal("SASL_SSL", config.Get("security.protocol"));
        Assert.Equal("SCRAM-SHA-512", config.Get("sasl.mechanism"));
        Assert.Equal("driftwatch", config.SaslUsername);
        // DriftWatch's delivery guarantees stay whatever the extra settings say.
        Assert.True(config.EnableIdempotence);
        Assert.Equal(Acks.All, config.Acks);
    }

    [Fact]
    public void ApiBuilder_RollbackClusterNamed_KeepsItsBootstrapServersAndTheSharedSecurity()
    {
        var settings = DriftWatchSettings.From(Config(
            ("Kafka:BootstrapServers", "events:9093"),
            ("Kafka:Extra:security.protocol", "SSL"),
            ("Api:BearerToken", "token"),
            ("Api:Rollback:KafkaBootstrapServers", "control:9093")));

        var config = DriftWatchServiceCollectionExtensions.ApiBuilder(settings)!.CreateProducerConfig();

        Assert.Equal("control:9093", config.BootstrapServers);
        Assert.Equal("SSL", config.Get("security.protocol"));
    }

    [Fact]
    public void ApiBuilder_NoWebhookAuthentication_IsNull()
    {
        var settings = DriftWatchSettings.From(Config(("Kafka:BootstrapServers", "kafka:9092")));

        Assert.Null(DriftWatchServiceCollectionExtensions.ApiBuilder(settings));
    }

    [Fact]
    public async Task StartAsync_InvalidSettings_FailsNamingEverySetting()
    {
        using var host = DriftWatchHost.Build(Config(
            ("Pipeline:BatchSize", "0"),
            ("State:Topic", " "),
            ("Api:BearerToken", "token"),
            ("Api:Url", "not a url")));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(CancellationToken.None));

        Assert.Contains("Kafka:BootstrapServers", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pipeline:BatchSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("State:Topic", error.Message, StringComparison.Ordinal);
        Assert.Contains("Api:Url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDriftWatch_OverridesApplyAfterBinding()
    {
        using var host = DriftWatchHost.Build(
            Config(("Kafka:BootstrapServers", "from-config:9092"), ("Kafka:GroupId", "from-config")),
            settings => settings.Kafka.GroupId = "from-override");

        var settings = host.Services.GetRequiredService<IOptions<DriftWatchSettings>>().Value;

        Assert.Equal("from-override", settings.Kafka.GroupId);
        Assert.Equal("from-config:9092", settings.Kafka.BootstrapServers);
        Assert.Single(host.Services.GetServices<IHostedService>().OfType<DriftWatchService>());
    }

    [Fact]
    public async Task RunAsync_StoppedByTheCommandLine_DrainsAndReturnsZero()
    {
        using var cluster = Kafka.Embedded.EmbeddedKafkaCluster.Start(brokers: 1);
        var topic = "host-" + Guid.NewGuid().ToString("N");
        cluster.CreateTopic(topic, partitions: 1);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        var exitCode = await DriftWatchHost.RunAsync(
            Config(("Kafka:BootstrapServers", cluster.BootstrapServers), ("Kafka:Topics:0", topic), ("Pipeline:AlertsTopic", ""), ("Logging:Level", "Warning")),
            configure: null,
            stop.Token);

        Assert.Equal(0, exitCode);
    }

    [Fact]
    public void Build_UnknownKeyInKnownSection_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DriftWatchHost.Build(Config(("Kafka:BootstrapServer", "kafka:9092"))));

        Assert.Contains("Kafka:BootstrapServer", error.Message, StringComparison.Ordinal);
    }
}
