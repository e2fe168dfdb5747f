using Confluent.Kafka;

namespace DriftWatch.IntegrationTests.Infrastructure;

/// <summary>What the cluster itself says about a topic and a group, asked independently of DriftWatch.</summary>
internal static class KafkaProbe
{
    /// <summary>Committed offset per partition of <paramref name="group"/> (0 where none is committed).</summary>
    internal static Dictionary<int, long> CommittedOffsets(string bootstrapServers, string group, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
        }).Build();
        var committed = consumer.Committed(
            Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)),
            TimeSpan.FromSeconds(10));
        return committed.ToDictionary(c => c.Partition.Value, c => c.Offset == Offset.Unset ? 0 : c.Offset.Value);
    }

    /// <summary>Low and high watermark per partition, queried from the partition leaders now.</summary>
    internal static Dictionary<int, WatermarkOffsets> Watermarks(string bootstrapServers, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"probe-{Guid.NewGuid():N}",
        }).Build();
        return Enumerable.Range(0, partitions).ToDictionary(
            p => p,
            p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)));
    }

    /// <summary>Messages of <paramref name="group"/> not yet committed: the sum of high watermark minus committed offset.</summary>
    internal static long Lag(string bootstrapServers, string group, string topic, int partitions)
    {
        var committed = CommittedOffsets(bootstrapServers, group, topic, partitions);
        var watermarks = Watermarks(bootstrapServers, topic, partitions);
        return watermarks.Sum(w => Math.Max(0, w.Value.High.Value - Math.Max(committed[w.Key], w.Value.Low.Value)));
    }
}
