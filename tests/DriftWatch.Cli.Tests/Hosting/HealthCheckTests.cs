using System.Net;
using System.Net.Sockets;
using DriftWatch.Cli.Hosting.Health;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Embedded;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DriftWatch.Cli.Tests.Hosting;

public sealed class HealthCheckTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task KafkaCheck_BrokerUpAndTopicPresent_IsHealthy()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        var topic = "health-" + Guid.NewGuid().ToString("N");
        cluster.CreateTopic(topic, partitions: 1);
        var options = new KafkaConsumerOptions { BootstrapServers = cluster.BootstrapServers };
        options.Topics.Clear();
        options.Topics.Add(topic);
        using var check = new KafkaHealthCheck(options, Timeout);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task KafkaCheck_InputTopicMissing_IsDegradedNamingIt()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        var topic = "absent-" + Guid.NewGuid().ToString("N");
        var options = new KafkaConsumerOptions { BootstrapServers = cluster.BootstrapServers };
        options.Topics.Clear();
        options.Topics.Add(topic);
        using var check = new KafkaHealthCheck(options, Timeout);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains(topic, result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KafkaCheck_NothingListening_IsUnhealthy()
    {
        var options = new KafkaConsumerOptions { BootstrapServers = $"127.0.0.1:{UnusedPort()}" };
        using var check = new KafkaHealthCheck(options, TimeSpan.FromSeconds(2));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task InfluxCheck_NothingListening_IsUnhealthyNamingTheServer()
    {
        var url = new Uri($"http://127.0.0.1:{UnusedPort()}/");
        using var check = new InfluxHealthCheck(url, TimeSpan.FromSeconds(2));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains(url.Authority, result.Description, StringComparison.Ordinal);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
