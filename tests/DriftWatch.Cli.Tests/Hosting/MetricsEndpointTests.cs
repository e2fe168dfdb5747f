using System.Net;
using DriftWatch.Cli.Hosting;
using DriftWatch.Kafka.Embedded;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DriftWatch.Cli.Tests.Hosting;

/// <summary>The Prometheus endpoints are served whenever Api:Url is set, webhooks or not, and never show a secret.</summary>
public sealed class MetricsEndpointTests
{
    private const string KafkaPassword = "kafka-secret-5f1e";

    [Fact]
    public async Task Start_ApiUrlWithoutWebhookAuthentication_ServesMetricsAndHealthButNoWebhook()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        var topic = "metrics-" + Guid.NewGuid().ToString("N");
        cluster.CreateTopic(topic, partitions: 1);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
            ["Kafka:Topics:0"] = topic,
            // A secret in the shared client settings (librdkafka accepts it without SASL in use) must not leak.
            ["Kafka:Extra:sasl.password"] = KafkaPassword,
            ["Pipeline:AlertsTopic"] = "",
            ["Api:Url"] = "http://127.0.0.1:0",
            ["Logging:Level"] = "Warning",
        }).Build();
        using var host = DriftWatchHost.Build(configuration);
        var service = host.Services.GetServices<IHostedService>().OfType<DriftWatchService>().Single();
        await host.StartAsync(CancellationToken.None);
        try
        {
            var running = await service.Running.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.NotNull(running.ApiAddress);
            using var http = new HttpClient { BaseAddress = running.ApiAddress };

            var otel = await http.GetAsync(new Uri("/metrics/otel", UriKind.Relative));
            var otelText = await otel.Content.ReadAsStringAsync();
            var gauges = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
            using var empty = new StringContent("{}");
            var webhook = await http.PostAsync(new Uri("/webhooks/alertmanager", UriKind.Relative), empty);

            Assert.Equal(HttpStatusCode.OK, otel.StatusCode);
            Assert.Contains("# TYPE", otelText, StringComparison.Ordinal);
            Assert.Contains("driftwatch_", gauges, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, webhook.StatusCode);
            Assert.DoesNotContain(KafkaPassword, otelText, StringComparison.Ordinal);
            Assert.DoesNotContain(KafkaPassword, gauges, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }

        Assert.Null(service.Failure);
    }

    [Fact]
    public void ApiBuilder_UrlWithoutWebhookAuthentication_IsNotNull()
    {
        var settings = DriftWatchSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "kafka:9092",
            ["Api:Url"] = "http://127.0.0.1:9464",
        }).Build());

        Assert.NotNull(DriftWatchServiceCollectionExtensions.ApiBuilder(settings));
        Assert.False(DriftWatchServiceCollectionExtensions.ServesWebhooks(DriftWatchServiceCollectionExtensions.ApiOptions(settings)!));
    }
}
