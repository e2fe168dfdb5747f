using System.Text;

namespace DriftWatch.Core.Detection.Checkpoints;

/// <summary>
/// The changelog value for one agent: the magic <c>DWSA</c>, a format version, the agent id, the input position
/// up to which every record inside has seen the agent's events, then the agent's checkpoint records, each
/// length-prefixed. Kafka keys input events by agent id, so an agent's events live in one partition and its
/// state moves as this one record.
/// </summary>
internal static class AgentUnit
{
    private const byte FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "DWSA"u8;

    public static byte[] Write(string agentId, SourcePosition? position, IReadOnlyList<byte[]> records)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(agentId);
            writer.Write(position is not null);
            if (position is { } p)
            {
                writer.Write(p.Topic);
                writer.Write(p.Partition);
                writer.Write(p.Offset);
            }

            writer.Write7BitEncodedInt(records.Count);
            foreach (byte[] record in records)
            {
                writer.Write7BitEncodedInt(record.Length);
                writer.Write(record);
            }
        }

        return stream.ToArray();
    }

    public static (string AgentId, SourcePosition? Position, List<byte[]> Records) Read(ReadOnlySpan<byte> unit)
    {
        using var stream = new MemoryStream(unit.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            if (reader.Read(magic) != 4 || !magic.SequenceEqual(Magic))
            {
                throw new CheckpointException("Not a DriftWatch agent checkpoint (bad magic).");
            }

            byte version = reader.ReadByte();
            if (version != FormatVersion)
            {
                throw new CheckpointException($"Agent checkpoint format version {version} is not supported (this build reads version {FormatVersion}).");
            }

            string agentId = reader.ReadString();
            SourcePosition? position = reader.ReadBoolean() ? new SourcePosition(reader.ReadString(), reader.ReadInt32(), reader.ReadInt64()) : null;
            int count = reader.ReadLength();
            var records = new List<byte[]>(count);
            for (int i = 0; i < count; i++)
            {
                int length = reader.ReadLength();
                byte[] record = reader.ReadBytes(length);
                if (record.Length != length)
                {
                    throw new EndOfStreamException();
                }

                records.Add(record);
            }

            if (stream.Position != stream.Length)
            {
                throw new InvalidDataException("unexpected bytes after the last record");
            }

            return (agentId, position, records);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or InvalidDataException or ArgumentException)
        {
            throw new CheckpointException("Agent checkpoint is corrupt: " + ex.Message, ex);
        }
    }

    /// <summary>The agent id and position of a unit without reading its records.</summary>
    public static (string AgentId, SourcePosition? Position) ReadHeader(ReadOnlySpan<byte> unit)
    {
        var (agent, position, _) = Read(unit);
        return (agent, position);
    }
}
