namespace DriftWatch.Core.Detection;

/// <summary>
/// Which of several detection shards owns an agent. Detection state is per behaviour and so per agent, so
/// agents can be spread over independent monitors, each fed by one thread, and every agent still sees its
/// events in order and gets exactly the results one monitor would give.
/// </summary>
public static class AgentShards
{
    /// <summary>
    /// The shard of <paramref name="agentId"/> among <paramref name="shards"/>: a stable hash (FNV-1a over the
    /// id's UTF-16 code units), the same in every process and run, unlike <see cref="string.GetHashCode()"/>, so a
    /// replay and a restored state file place every agent where an earlier run did.
    /// </summary>
    public static int Of(string agentId, int shards)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        if (shards == 1)
        {
            return 0;
        }

        uint hash = 2166136261;
        foreach (char c in agentId)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash % (uint)shards);
    }
}
