using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DriftWatch.Core.Detection.Checkpoints;

/// <summary>What a checkpoint record holds.</summary>
public enum CheckpointKind : byte
{
    /// <summary>One behaviour's detection state (agent, environment, decision name).</summary>
    Behaviour = 1,

    /// <summary>An agent's history in one environment: reference versions and recent state changes.</summary>
    Agent = 2,
}

/// <summary>Where in the input the last event folded into a checkpoint came from.</summary>
public readonly record struct SourcePosition(string Topic, int Partition, long Offset);

/// <summary>The header of a checkpoint record: what it is about and up to where it has seen the input.</summary>
public sealed record CheckpointHeader(CheckpointKind Kind, string AgentId, string Environment, string? DecisionName, SourcePosition? Position)
{
    /// <summary>The record's key: one per behaviour or agent, so a compacted topic keeps only the latest.</summary>
    public string Key => StateCheckpoint.KeyOf(Kind, AgentId, Environment, DecisionName);
}

/// <summary>A checkpoint record that cannot be used: corrupt, truncated, another format version or other settings.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The checkpoint record format (format version 3): the magic <c>DWST</c>, the format version, the kind, a
/// fingerprint of the detection settings (sibling detectors included), the header, then the state itself; a
/// behaviour's state holds its feature trackers in one Brotli-compressed, length-prefixed section (version 3)
/// and ends with one named, compressed section per sibling detector or observer (version 2 added them). The same bytes are a value of
/// the compacted changelog topic and an entry of a replay state file. A record written under other
/// detection settings is refused rather than misread.
/// </summary>
public static class StateCheckpoint
{
    /// <summary>The format version written; older or newer versions are refused.</summary>
    public const byte FormatVersion = 3;

    private static ReadOnlySpan<byte> Magic => "DWST"u8;

    /// <summary>The record key for a behaviour (decision name given) or an agent (decision name null).</summary>
    public static string KeyOf(CheckpointKind kind, string agentId, string environment, string? decisionName) => kind switch
    {
        CheckpointKind.Behaviour => string.Create(CultureInfo.InvariantCulture, $"b/{Escape(agentId)}/{Escape(environment)}/{Escape(decisionName ?? string.Empty)}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"a/{Escape(agentId)}/{Escape(environment)}"),
    };

    /// <summary>Reads only the header of a record.</summary>
    public static CheckpointHeader ReadHeader(ReadOnlySpan<byte> record, ulong? expectedFingerprint = null)
    {
        using var stream = new MemoryStream(record.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(reader, expectedFingerprint);
    }

    internal static ulong Fingerprint(DriftMonitorOptions options, IEnumerable<Detectors.IBehaviourDetector>? detectors = null)
    {
        // Every setting that shapes the state or how it decides; a change makes old records unusable.
        string text = string.Join(
            ';',
            options.ReferenceSize,
            options.CurrentWindowSize,
            options.CurrentWindowDuration?.Ticks ?? -1,
            options.TargetEventsBetweenFalseAlarms.ToString("R", CultureInfo.InvariantCulture),
            options.ReferenceMode,
            options.MinWindowObservations,
            options.MinReferenceObservations,
            options.MinJensenShannonEffect.ToString("R", CultureInfo.InvariantCulture),
            options.MinWassersteinEffect.ToString("R", CultureInfo.InvariantCulture),
            options.CusumDrift.ToString("R", CultureInfo.InvariantCulture),
            options.RearmAfterQuietWindows,
            options.MaxCategories,
            options.MaxSegmentsPerInputFeature,
            options.MaxKeysPerFamily,
            options.TextSketchBuckets,
            options.NumericReferencePoints,
            options.TopShifts,
            options.InterimLookEvery);
        foreach (var detector in detectors ?? [])
        {
            // Which detectors run, in which order, under which settings.
            text += ";" + detector.Name + "=" + detector.SettingsFingerprint;
        }

        return BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);
    }

    internal static void WriteHeader(BinaryWriter writer, ulong fingerprint, CheckpointHeader header)
    {
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write((byte)header.Kind);
        writer.Write(fingerprint);
        writer.Write(header.AgentId);
        writer.Write(header.Environment);
        writer.WriteNullable(header.DecisionName);
        writer.Write(header.Position is not null);
        if (header.Position is { } position)
        {
            writer.Write(position.Topic);
            writer.Write(position.Partition);
            writer.Write(position.Offset);
        }
    }

    internal static CheckpointHeader ReadHeader(BinaryReader reader, ulong? expectedFingerprint)
    {
        try
        {
            Span<byte> magic = stackalloc byte[4];
            if (reader.Read(magic) != 4 || !magic.SequenceEqual(Magic))
            {
                throw new CheckpointException("Not a DriftWatch checkpoint record (bad magic).");
            }

            byte version = reader.ReadByte();
            if (version != FormatVersion)
            {
                throw new CheckpointException($"Checkpoint format version {version} is not supported (this build reads version {FormatVersion}).");
            }

            var kind = (CheckpointKind)reader.ReadByte();
            if (kind is not (CheckpointKind.Behaviour or CheckpointKind.Agent))
            {
                throw new CheckpointException($"Unknown checkpoint kind {(byte)kind}.");
            }

            ulong fingerprint = reader.ReadUInt64();
            string agent = reader.ReadString();
            string environment = reader.ReadString();
            string? decision = reader.ReadNullableString();
            SourcePosition? position = reader.ReadBoolean() ? new SourcePosition(reader.ReadString(), reader.ReadInt32(), reader.ReadInt64()) : null;
            var header = new CheckpointHeader(kind, agent, environment, decision, position);
            if (expectedFingerprint is { } expected && fingerprint != expected)
            {
                throw new CheckpointException($"Checkpoint of {header.Key} was written under other detection settings.");
            }

            return header;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or InvalidDataException or ArgumentException)
        {
            throw new CheckpointException("Checkpoint record header is corrupt: " + ex.Message, ex);
        }
    }

    private static string Escape(string part) => Uri.EscapeDataString(part);
}
