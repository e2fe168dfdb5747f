namespace DriftWatch.Kafka.State;

/// <summary>
/// Durable behaviour state (the <c>State</c> settings section): every agent's detection state is checkpointed
/// to a compacted changelog topic and restored by whichever instance owns the agent's partition next.
/// </summary>
public sealed class StateOptions
{
    /// <summary>Checkpoint and restore state. Default true; when false a restart re-learns every agent.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The compacted changelog topic, key = agent id, with as many partitions as the input topic (an agent's
    /// state lives in the same partition number as its events). Default <c>driftwatch-state</c>.
    /// </summary>
    public string Topic { get; set; } = "driftwatch-state";

    /// <summary>
    /// How often the state of agents that saw events is checkpointed and offsets advance past them. Bounds what
    /// a crash costs: at most this much input is read again (and skipped, per agent, where already applied).
    /// Default 5 s.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Agents without events for this long are checkpointed and dropped from memory. Default 10 minutes.</summary>
    public TimeSpan EvictAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Most agents kept in memory; beyond it the least recently active are checkpointed and dropped. Default 20,000.</summary>
    public int MaxAgentsInMemory { get; set; } = 20_000;

    /// <summary>Checkpoint bytes kept in memory for fast restore; beyond it a restore fetches from the topic. Default 64 MiB.</summary>
    public long RestoreCacheBytes { get; set; } = 64L << 20;

    /// <summary>Longest wait for the changelog while restoring a partition or fetching one agent. Default 30 s.</summary>
    public TimeSpan RestoreTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws with a message naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Topic))
        {
            throw new ArgumentException("State:Topic must not be empty.");
        }

        if (CheckpointInterval < TimeSpan.FromMilliseconds(10))
        {
            throw new ArgumentException($"State:CheckpointInterval must be at least 10 ms, got {CheckpointInterval}.");
        }

        if (EvictAfter <= TimeSpan.Zero)
        {
            throw new ArgumentException("State:EvictAfter must be positive.");
        }

        if (MaxAgentsInMemory < 1)
        {
            throw new ArgumentException($"State:MaxAgentsInMemory must be at least 1, got {MaxAgentsInMemory}.");
        }

        if (RestoreCacheBytes < 0)
        {
            throw new ArgumentException("State:RestoreCacheBytes must not be negative.");
        }

        if (RestoreTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("State:RestoreTimeout must be positive.");
        }
    }
}
