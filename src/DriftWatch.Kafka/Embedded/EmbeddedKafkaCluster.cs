using System.Runtime.InteropServices;

namespace DriftWatch.Kafka.Embedded;

/// <summary>
/// An in-process cluster that speaks the Kafka wire protocol on 127.0.0.1 ports (librdkafka's mock
/// cluster). Any Kafka client, in this process or another (kcat, a second DriftWatch instance), can use
/// <see cref="BootstrapServers"/>. It supports idempotent producers, consumer groups and offset commits,
/// which is what the demo and the tests need; it is not a durable broker: its data lives as long as this
/// object does.
/// </summary>
public sealed unsafe class EmbeddedKafkaCluster : IDisposable
{
    private readonly IntPtr _handle;
    private readonly IntPtr _cluster;
    private readonly Lock _gate = new();
    private bool _disposed;

    private EmbeddedKafkaCluster(IntPtr handle, IntPtr cluster, int brokers, string bootstrapServers)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokers;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated host:port list to give clients as <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>How many brokers the cluster runs (broker ids are 1..BrokerCount).</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a cluster with <paramref name="brokers"/> brokers.</summary>
    public static EmbeddedKafkaCluster Start(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brokers, 16);
        var api = LibrdkafkaNative.Api;

        // The owning handle is never used to produce; it only hosts the mock brokers' threads.
        var handle = LibrdkafkaNative.NewHandle(new Dictionary<string, string>
        {
            ["client.id"] = "driftwatch-embedded-cluster",
            ["log_level"] = "3",
        });
        var cluster = api.MockClusterNew(handle, brokers);
        if (cluster == IntPtr.Zero)
        {
            api.Destroy(handle);
            throw new InvalidOperationException("librdkafka could not start the embedded Kafka cluster.");
        }

        var bootstraps = Marshal.PtrToStringUTF8(api.MockClusterBootstraps(cluster))
            ?? throw new InvalidOperationException("The embedded Kafka cluster reported no bootstrap servers.");
        return new EmbeddedKafkaCluster(handle, cluster, brokers, bootstraps);
    }

    /// <summary>
    /// Creates a topic. The mock cluster does not serve the CreateTopics admin API, so topics of the embedded
    /// cluster are created here.
    /// </summary>
    public void CreateTopic(string name, int partitions = 6, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        replicationFactor = Math.Clamp(replicationFactor, 1, BrokerCount);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var topic = new LibrdkafkaNative.Utf8String(name);
            var error = LibrdkafkaNative.Api.MockTopicCreate(_cluster, topic.Pointer, partitions, replicationFactor);
            if (error != 0)
            {
                throw new InvalidOperationException(
                    $"Could not create topic '{name}' on the embedded cluster: {LibrdkafkaNative.Api.DescribeError(error)}");
            }
        }
    }

    /// <summary>Takes one broker down (its connections are closed and refused) to inject a fault.</summary>
    public void SetBrokerDown(int brokerId) => SetBroker(brokerId, up: false);

    /// <summary>Brings a broker taken down by <see cref="SetBrokerDown"/> back.</summary>
    public void SetBrokerUp(int brokerId) => SetBroker(brokerId, up: true);

    private void SetBroker(int brokerId, bool up)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brokerId, BrokerCount);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var api = LibrdkafkaNative.Api;
            var error = up ? api.MockBrokerSetUp(_cluster, brokerId) : api.MockBrokerSetDown(_cluster, brokerId);
            if (error != 0)
            {
                throw new InvalidOperationException($"Could not change broker {brokerId}: {api.DescribeError(error)}");
            }
        }
    }

    /// <summary>
    /// Makes the next requests of one kind fail, one error per request in order, to inject a broker's
    /// refusal (for example <c>MsgSizeTooLarge</c> on Produce, API key 0).
    /// </summary>
    public void PushRequestErrors(short apiKey, params Confluent.Kafka.ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            return;
        }

        var codes = errors.Select(e => (int)e).ToArray();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            fixed (int* first = codes)
            {
                LibrdkafkaNative.Api.MockPushRequestErrors(_cluster, apiKey, (nuint)codes.Length, first);
            }
        }
    }

    /// <summary>Stops the brokers. Clients still connected see their connections drop.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            LibrdkafkaNative.Api.MockClusterDestroy(_cluster);
            LibrdkafkaNative.Api.Destroy(_handle);
        }
    }
}
