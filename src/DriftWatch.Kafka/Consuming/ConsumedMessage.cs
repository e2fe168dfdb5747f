namespace DriftWatch.Kafka.Consuming;

/// <summary>One raw message taken from Kafka, with where it came from; or a control marker for a partition.</summary>
public sealed record ConsumedMessage(
    string Topic,
    int Partition,
    long Offset,
    byte[]? Key,
    byte[] Value,
    DateTimeOffset BrokerTimestamp,
    MessageControl Control = MessageControl.None,
    Confluent.Kafka.Headers? Headers = null)
{
    /// <summary>True for a control marker, which carries no event.</summary>
    public bool IsControl => Control != MessageControl.None;

    /// <summary>A control marker for one partition, ordered after every message of it delivered before.</summary>
    public static ConsumedMessage Marker(string topic, int partition, MessageControl control) =>
        new(topic, partition, -1, null, [], DateTimeOffset.UnixEpoch, control);
}

/// <summary>
/// What a control marker asks of the stream. The consumer puts markers in the message order of their
/// partition, so everything delivered before a marker has been processed when the stream reaches it.
/// </summary>
public enum MessageControl
{
    /// <summary>An ordinary message.</summary>
    None,

    /// <summary>Checkpoint the partition's state now (periodic, and before a clean shutdown).</summary>
    Checkpoint,

    /// <summary>The partition is being revoked: checkpoint its state and let go of it.</summary>
    Release,

    /// <summary>The partition was lost: let go of its state without checkpointing (the new owner has it).</summary>
    Drop,
}

/// <summary>Hears about partitions that this consumer gains and loses, on the consumer thread.</summary>
public interface IPartitionListener
{
    /// <summary>Partitions were assigned; called before any of their messages is delivered (restore state here).</summary>
    void OnAssigned(IReadOnlyList<(string Topic, int Partition)> partitions);

    /// <summary>Partitions were revoked (after their in-flight messages drained) or lost.</summary>
    void OnReleased(IReadOnlyList<(string Topic, int Partition)> partitions);
}
