using Confluent.Kafka;
using Confluent.Kafka.Admin;
using DriftWatch.Kafka.Embedded;
using Testcontainers.Kafka;

namespace DriftWatch.IntegrationTests.Infrastructure;

/// <summary>
/// The Kafka the integration tests run against: a real Apache Kafka in a container where a Docker engine
/// answers (Testcontainers.Kafka), otherwise the embedded Kafka-protocol cluster. Same test code for both.
/// </summary>
public sealed class KafkaEnvironment : IAsyncLifetime
{
    private KafkaContainer? _container;
    private EmbeddedKafkaCluster? _embedded;

    public string BootstrapServers { get; private set; } = string.Empty;

    /// <summary>"testcontainers" or "embedded", for test output.</summary>
    public string Kind { get; private set; } = string.Empty;

    public EmbeddedKafkaCluster? Embedded => _embedded;

    public async Task InitializeAsync()
    {
        if (DockerAnswers())
        {
            try
            {
                _container = new KafkaBuilder("apache/kafka:3.9.1").Build();
                await _container.StartAsync();
                BootstrapServers = _container.GetBootstrapAddress();
                Kind = "testcontainers";
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                await Console.Error.WriteLineAsync($"Docker answered but the Kafka container did not start ({ex.Message}); using the embedded cluster.");
                _container = null;
            }
        }

        _embedded = EmbeddedKafkaCluster.Start(brokers: 3);
        BootstrapServers = _embedded.BootstrapServers;
        Kind = "embedded";
    }

    /// <summary>Creates a fresh topic (tests use a new GUID-named topic each).</summary>
    public async Task<string> CreateTopicAsync(string prefix, int partitions = 3)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        if (_embedded is not null)
        {
            _embedded.CreateTopic(name, partitions);
            return name;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1 }]);
        return name;
    }

    public async Task DisposeAsync()
    {
        _embedded?.Dispose();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    private static bool DockerAnswers()
    {
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 })
        {
            return true;
        }

        return File.Exists("/var/run/docker.sock");
    }
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaEnvironment>
{
    public const string Name = "kafka";
}
