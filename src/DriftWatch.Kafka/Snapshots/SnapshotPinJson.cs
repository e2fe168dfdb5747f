using System.Globalization;
using System.Text.Json;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Kafka.Snapshots;

/// <summary>The value of a pin message: the same fields as a pin in a local store's <c>pins.json</c>.</summary>
internal static class SnapshotPinJson
{
    public const string KeyPrefix = "pin:";

    public static string KeyOf(string agentId, string environment) => $"{KeyPrefix}{agentId}/{environment}";

    public static byte[] Write(SnapshotPin pin)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("agent_id", pin.AgentId);
            w.WriteString("environment", pin.Environment);
            w.WriteString("snapshot_id", pin.SnapshotId);
            w.WriteString("pinned_at", pin.PinnedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    public static SnapshotPin Read(string key, byte[] utf8Json)
    {
        try
        {
            using var doc = JsonDocument.Parse(utf8Json);
            var p = doc.RootElement;
            return new SnapshotPin(
                p.GetProperty("agent_id").GetString()!,
                p.GetProperty("environment").GetString()!,
                p.GetProperty("snapshot_id").GetString()!,
                DateTimeOffset.Parse(p.GetProperty("pinned_at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"Pin {key} is not a valid pin document: {ex.Message}", ex);
        }
    }
}
