using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Incidents;

/// <summary>A <see cref="DriftAlert"/> in the binary incident state (the behaviour key is written once around it).</summary>
internal static class AlertState
{
    public static void Write(BinaryWriter writer, DriftAlert alert)
    {
        writer.Write(alert.Feature);
        writer.Write(alert.Detector);
        writer.Write(alert.Score);
        writer.Write(alert.Threshold);
        writer.Write((byte)alert.Severity);
        writer.Write(alert.DetectedAt.UtcTicks);
        writer.Write(alert.WindowStart.UtcTicks);
        writer.Write(alert.WindowEnd.UtcTicks);
        writer.Write(alert.Summary);
        writer.Write(alert.TopShifts.Count);
        foreach (var shift in alert.TopShifts)
        {
            writer.Write(shift.Value);
            writer.Write(shift.Reference);
            writer.Write(shift.Current);
        }
    }

    public static DriftAlert Read(BinaryReader reader, BehaviourKey key)
    {
        string feature = reader.ReadString();
        string detector = reader.ReadString();
        double score = reader.ReadDouble();
        double threshold = reader.ReadDouble();
        var severity = (AlertSeverity)reader.ReadByte();
        var detectedAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        var windowStart = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        var windowEnd = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        string summary = reader.ReadString();
        int count = reader.ReadInt32();
        if (count is < 0 or > 1024)
        {
            throw new InvalidDataException($"Alert shift count {count} is outside [0, 1024].");
        }

        var shifts = new List<ValueShift>(count);
        for (int i = 0; i < count; i++)
        {
            shifts.Add(new ValueShift(reader.ReadString(), reader.ReadDouble(), reader.ReadDouble()));
        }

        return new DriftAlert(key, feature, detector, score, threshold, severity, detectedAt, windowStart, windowEnd, summary, shifts);
    }
}
