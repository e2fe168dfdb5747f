namespace DriftWatch.Kafka.State;

/// <summary>One agent's checkpoint, to be written to the changelog partition of its input partition.</summary>
public sealed record AgentStateRecord(string AgentId, int Partition, byte[] Value);

/// <summary>
/// Where agents' checkpoints are kept and found again. <see cref="Load"/> and <see cref="Stage"/> are called
/// by the detection thread; <see cref="WriteAsync"/> by the sink stage, and it returns only once the records
/// are durable (offsets are committed after it).
/// </summary>
public interface IAgentStateStore
{
    /// <summary>The latest checkpoint of an agent on this instance's partitions, or null when it has none.</summary>
    byte[]? Load(string agentId);

    /// <summary>Remembers a checkpoint about to be written for an agent that is being dropped from memory.</summary>
    void Stage(string agentId, int partition, byte[] value);

    /// <summary>Writes checkpoints durably.</summary>
    Task WriteAsync(IReadOnlyList<AgentStateRecord> records, CancellationToken cancellationToken);
}
