using DriftWatch.Kafka.Embedded;

namespace DriftWatch.Kafka.Tests.Snapshots;

/// <summary>One embedded cluster for the snapshot store tests; each test uses its own topic.</summary>
public sealed class EmbeddedClusterFixture : IDisposable
{
    public EmbeddedKafkaCluster Cluster { get; } = EmbeddedKafkaCluster.Start(brokers: 1);

    public void Dispose() => Cluster.Dispose();
}
