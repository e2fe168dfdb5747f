using DriftWatch.Kafka.Snapshots;

namespace DriftWatch.Kafka.Tests.Snapshots;

public sealed class KafkaSnapshotStoreOptionsTests
{
    [Fact]
    public void Validate_Defaults_TopicIsDriftwatchSnapshotsAndOnlyBootstrapServersMissing()
    {
        var options = new KafkaSnapshotStoreOptions();

        Assert.Equal("driftwatch-snapshots", options.Topic);
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("BootstrapServers", ex.Message, StringComparison.Ordinal);
        options.BootstrapServers = "127.0.0.1:9092";
        options.Validate();
    }

    public static TheoryData<string, Action<KafkaSnapshotStoreOptions>> InvalidSettings => new()
    {
        { "Topic", static o => o.Topic = " " },
        { "TopicPartitions", static o => o.TopicPartitions = 0 },
        { "TopicReplicationFactor", static o => o.TopicReplicationFactor = 0 },
        { "MaxMessageBytes", static o => o.MaxMessageBytes = 1000 },
        { "DeliveryTimeout", static o => o.DeliveryTimeout = TimeSpan.Zero },
        { "ReadTimeout", static o => o.ReadTimeout = TimeSpan.FromSeconds(-1) },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Validate_InvalidSetting_ThrowsNamingIt(string setting, Action<KafkaSnapshotStoreOptions> breakIt)
    {
        var options = new KafkaSnapshotStoreOptions { BootstrapServers = "127.0.0.1:9092" };
        breakIt(options);

        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("SnapshotStore:" + setting, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsBeforeConnecting()
    {
        Assert.Throws<ArgumentException>(() => new KafkaSnapshotStore(new KafkaSnapshotStoreOptions()));
    }
}
