using System.Text;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Checkpoints;

namespace DriftWatch.Core.Replay;

/// <summary>
/// The state file of <c>replay --state-out</c> / <c>--state-in</c> (CONTRACT.md section 3a): the magic
/// <c>DWSF</c>, a format version, a record count, then every behaviour's and agent's checkpoint record
/// (the same bytes as the changelog topic's values), each prefixed with its length. Replaying a file in two
/// parts through it gives exactly the alerts of one replay of the whole file.
/// </summary>
public static class ReplayState
{
    private const byte FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "DWSF"u8;

    /// <summary>Writes every behaviour and agent the monitor holds; returns the number of records.</summary>
    public static int Write(DriftMonitor monitor, Stream output)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        return Write([monitor], output);
    }

    /// <summary>
    /// Writes every behaviour and agent of detection spread over several monitors (<see cref="AgentShards"/>):
    /// the same records one monitor would hold, so the file does not depend on the number of shards.
    /// </summary>
    public static int Write(IReadOnlyList<DriftMonitor> shards, Stream output)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(output);
        var records = new List<byte[]>();
        var agents = shards
            .SelectMany(m => m.Agents.Select(a => (Monitor: m, a.AgentId, a.Environment)))
            .OrderBy(a => a.AgentId, StringComparer.Ordinal)
            .ThenBy(a => a.Environment, StringComparer.Ordinal);
        foreach (var (monitor, agent, environment) in agents)
        {
            records.Add(monitor.CheckpointAgent(agent, environment));
        }

        foreach (var monitor in shards)
        {
            foreach (var key in monitor.Behaviours)
            {
                records.Add(monitor.Checkpoint(key));
            }
        }

        using var writer = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(records.Count);
        foreach (byte[] record in records)
        {
            writer.Write(record.Length);
            writer.Write(record);
        }

        writer.Flush();
        return records.Count;
    }

    /// <summary>
    /// Loads a state file into the monitor; throws <see cref="CheckpointException"/> naming the record when
    /// the file is not a state file, is truncated, or holds a record this build cannot use.
    /// </summary>
    public static int Read(DriftMonitor monitor, Stream input)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        return Read([monitor], input);
    }

    /// <summary>Loads a state file into several monitors, each record into the one that owns its agent (<see cref="AgentShards"/>).</summary>
    public static int Read(IReadOnlyList<DriftMonitor> shards, Stream input)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(input);
        using var reader = new BinaryReader(input, Encoding.UTF8, leaveOpen: true);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            if (reader.Read(magic) != 4 || !magic.SequenceEqual(Magic))
            {
                throw new CheckpointException("Not a DriftWatch replay state file (bad magic).");
            }

            byte version = reader.ReadByte();
            if (version != FormatVersion)
            {
                throw new CheckpointException($"Replay state format version {version} is not supported (this build reads version {FormatVersion}).");
            }

            int count = reader.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                int length = reader.ReadInt32();
                if (length is <= 0 or > 64 << 20)
                {
                    throw new CheckpointException($"Record {i + 1} of the state file has an impossible length {length}.");
                }

                byte[] record = reader.ReadBytes(length);
                var monitor = shards.Count == 1 ? shards[0] : shards[AgentShards.Of(StateCheckpoint.ReadHeader(record).AgentId, shards.Count)];
                monitor.Restore(record);
            }

            return count;
        }
        catch (EndOfStreamException ex)
        {
            throw new CheckpointException("The replay state file is truncated.", ex);
        }
    }
}
