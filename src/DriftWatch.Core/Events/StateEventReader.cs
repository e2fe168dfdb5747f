using System.Text.Json;
using static DriftWatch.Core.Events.JsonFieldReader;

namespace DriftWatch.Core.Events;

/// <summary>
/// Reads the body of a <c>driftwatch.state/v1</c> message in one forward pass, with the same rules as
/// <see cref="DecisionEventReader"/>: known fields at most once, unknown fields skipped, null as absent
/// for optional fields. <c>value</c> is any JSON (null included) and is required when <c>op</c> is "set".
/// </summary>
internal static class StateEventReader
{
    /// <summary>Required fields by path, in the order they are checked; <c>value</c> is required only for "set".</summary>
    internal static readonly IReadOnlyList<string> RequiredFields =
        ["schema", "event_id", "agent_id", "timestamp", "key", "op"];

    private const int MaxId = EventLimits.MaxIdentifierLength;

    [Flags]
    private enum Seen
    {
        None = 0,
        Schema = 1 << 0,
        EventId = 1 << 1,
        AgentId = 1 << 2,
        Environment = 1 << 3,
        Timestamp = 1 << 4,
        Key = 1 << 5,
        Op = 1 << 6,
        Value = 1 << 7,
        Segment = 1 << 8,
        StateVersion = 1 << 9,
    }

    /// <summary>Reads from the message's StartObject to its EndObject.</summary>
    internal static string? Read(ref Utf8JsonReader r, out StateEvent? result)
    {
        result = null;
        var seen = Seen.None;
        string? eventId = null, agentId = null, environment = null, key = null, stateVersion = null;
        DateTimeOffset timestamp = default;
        var op = StateOperation.Set;
        JsonElement value = default;
        IReadOnlyDictionary<string, string>? segment = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            (Seen field, string path) = Classify(ref r);
            r.Read();
            if (field == Seen.None)
            {
                r.Skip();
                continue;
            }

            if ((seen & field) != 0)
            {
                return Duplicate(path);
            }

            seen |= field;
            bool isNull = r.TokenType == JsonTokenType.Null;
            string? error = field switch
            {
                Seen.EventId => ReadString(ref r, path, MaxId, allowEmpty: false, out eventId),
                Seen.AgentId => ReadString(ref r, path, MaxId, allowEmpty: false, out agentId),
                Seen.Timestamp => CommonFields.ReadTimestamp(ref r, path, out timestamp),
                Seen.Key => ReadString(ref r, path, MaxId, allowEmpty: false, out key),
                Seen.Op => ReadOp(ref r, out op),
                // JsonElement.ParseValue copies the value out of the message, so the event does not pin its buffer.
                Seen.Value => ReadValue(ref r, out value),
                Seen.Environment when !isNull => CommonFields.ReadEnvironment(ref r, path, out environment),
                Seen.Segment when !isNull => ReadStringMap(ref r, path, out segment),
                Seen.StateVersion when !isNull => ReadString(ref r, path, MaxId, allowEmpty: false, out stateVersion),
                _ => null,
            };
            if (error is not null)
            {
                return error;
            }
        }

        string? missing =
            (seen & Seen.EventId) == 0 ? "event_id" :
            (seen & Seen.AgentId) == 0 ? "agent_id" :
            (seen & Seen.Timestamp) == 0 ? "timestamp" :
            (seen & Seen.Key) == 0 ? "key" :
            (seen & Seen.Op) == 0 ? "op" :
            op == StateOperation.Set && (seen & Seen.Value) == 0 ? "value" :
            null;
        if (missing is not null)
        {
            return missing == "value" ? "value: missing required field (required when op is \"set\")" : Missing(missing);
        }

        result = new StateEvent
        {
            EventId = eventId!,
            AgentId = agentId!,
            Environment = environment ?? DecisionEvent.DefaultEnvironment,
            Timestamp = timestamp,
            Key = key!,
            Op = op,
            // A delete has no value; one sent anyway is ignored rather than half-kept.
            Value = op == StateOperation.Set ? value : default,
            Segment = segment ?? DecisionEvent.EmptyStrings,
            StateVersion = stateVersion,
        };
        return null;
    }

    private static (Seen Field, string Path) Classify(ref Utf8JsonReader r)
    {
        if (r.ValueTextEquals("schema"u8)) return (Seen.Schema, "schema");
        if (r.ValueTextEquals("event_id"u8)) return (Seen.EventId, "event_id");
        if (r.ValueTextEquals("agent_id"u8)) return (Seen.AgentId, "agent_id");
        if (r.ValueTextEquals("environment"u8)) return (Seen.Environment, "environment");
        if (r.ValueTextEquals("timestamp"u8)) return (Seen.Timestamp, "timestamp");
        if (r.ValueTextEquals("key"u8)) return (Seen.Key, "key");
        if (r.ValueTextEquals("op"u8)) return (Seen.Op, "op");
        if (r.ValueTextEquals("value"u8)) return (Seen.Value, "value");
        if (r.ValueTextEquals("segment"u8)) return (Seen.Segment, "segment");
        if (r.ValueTextEquals("state_version"u8)) return (Seen.StateVersion, "state_version");
        return (Seen.None, string.Empty);
    }

    private static string? ReadOp(ref Utf8JsonReader r, out StateOperation op)
    {
        op = StateOperation.Set;
        if (r.TokenType == JsonTokenType.String)
        {
            if (r.ValueTextEquals("set"u8))
            {
                return null;
            }

            if (r.ValueTextEquals("delete"u8))
            {
                op = StateOperation.Delete;
                return null;
            }
        }

        return Expected(ref r, "op", "\"set\" or \"delete\"");
    }

    private static string? ReadValue(ref Utf8JsonReader r, out JsonElement value)
    {
        value = JsonElement.ParseValue(ref r);
        return null;
    }
}
