using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DriftWatch.SampleAgent;

/// <summary>A support ticket the agent routes.</summary>
internal sealed record Ticket(string Text, string Category, string Urgency, string Channel);

/// <summary>One routing decision and the versions it ran with.</summary>
internal sealed record RoutingDecision(string EventId, DateTimeOffset Timestamp, Ticket Ticket, string Queue, double Confidence, string StateVersion);

/// <summary>One change to the policy state; <paramref name="Value"/> is null for a delete.</summary>
internal sealed record StateChange(string EventId, DateTimeOffset Timestamp, string Key, JsonNode? Value, string StateVersion);

/// <summary>What a rollback command did.</summary>
internal sealed record RollbackApplied(
    RollbackStatus Status,
    string? CommandId,
    string Detail,
    string? FromVersion,
    string? NewVersion,
    IReadOnlyList<StateChange> Reverted);

internal enum RollbackStatus
{
    Applied,
    DryRun,
    Duplicate,
    Rejected,
}

/// <summary>
/// The agent's learned state: a versioned routing policy. Keys are <c>route/urgency=&lt;level&gt;</c> (queue for
/// that urgency) and <c>route/default</c>. Every change makes a new state version (<c>mem-000001</c>, ...), and
/// every version is kept, so a rollback can put keys back to their value at any earlier version.
/// Thread-safe: decisions and control commands arrive on different threads.
/// </summary>
internal sealed class RoutingPolicyRuntime
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Dictionary<string, JsonNode?>> _versions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _appliedCommands = new(StringComparer.Ordinal);
    private Dictionary<string, JsonNode?> _state = new(StringComparer.Ordinal);
    private int _sequence;

    public RoutingPolicyRuntime(string agentId, string agentVersion, TimeProvider time, string environment = "production")
    {
        AgentId = agentId;
        AgentVersion = agentVersion;
        Environment = environment;
        _time = time;
        StateVersion = NextVersion();
        _versions[StateVersion] = Copy(_state);
    }

    public string AgentId { get; }

    public string AgentVersion { get; }

    /// <summary>The environment this runtime serves; a sync command for another environment is refused.</summary>
    public string Environment { get; }

    public string StateVersion { get; private set; }

    /// <summary>The current value of a policy key, as JSON text, or null when unset.</summary>
    public string? Get(string key)
    {
        lock (_gate)
        {
            return _state.TryGetValue(key, out var value) ? value?.ToJsonString() : null;
        }
    }

    /// <summary>Sets one key; returns the change (to publish as a state event).</summary>
    public StateChange Set(string key, JsonNode? value)
    {
        lock (_gate)
        {
            return Change(key, value);
        }
    }

    /// <summary>Routes a ticket with the current policy.</summary>
    public RoutingDecision Decide(Ticket ticket)
    {
        lock (_gate)
        {
            var queue = QueueFor(ticket.Urgency);
            var confidence = _state.ContainsKey($"route/urgency={ticket.Urgency}") ? 0.9 : 0.6;
            return new RoutingDecision(Guid.NewGuid().ToString(), _time.GetUtcNow(), ticket, queue, confidence, StateVersion);
        }
    }

    /// <summary>Applies a rollback command: reverts its keys (or the whole state) to the target version.</summary>
    public RollbackApplied Apply(RollbackCommandMessage command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_gate)
        {
            if (command.Schema != "driftwatch.rollback/v1" || string.IsNullOrEmpty(command.CommandId))
            {
                return Refuse(command, "not a driftwatch.rollback/v1 command");
            }

            if (!string.Equals(command.AgentId, AgentId, StringComparison.Ordinal))
            {
                return Refuse(command, $"command is for agent '{command.AgentId}', this is '{AgentId}'");
            }

            var target = command.Target?.StateVersion;
            if (target is null || !_versions.TryGetValue(target, out var targetState))
            {
                return Refuse(command, $"unknown target state version '{target}'");
            }

            if (_appliedCommands.Contains(command.CommandId))
            {
                return new RollbackApplied(RollbackStatus.Duplicate, command.CommandId, "already applied", StateVersion, StateVersion, []);
            }

            var keys = command.RevertKeys is { Count: > 0 } revert
                ? revert.Distinct(StringComparer.Ordinal).ToList()
                : _state.Keys.Union(targetState.Keys, StringComparer.Ordinal).ToList();
            keys.Sort(StringComparer.Ordinal);

            var from = StateVersion;
            var planned = new List<StateChange>();
            foreach (var key in keys)
            {
                targetState.TryGetValue(key, out var wanted);
                _state.TryGetValue(key, out var current);
                if (JsonNode.DeepEquals(wanted, current))
                {
                    continue;
                }

                planned.Add(command.DryRun
                    ? new StateChange(string.Empty, _time.GetUtcNow(), key, wanted?.DeepClone(), StateVersion)
                    : Change(key, wanted?.DeepClone()));
            }

            if (command.DryRun)
            {
                return new RollbackApplied(RollbackStatus.DryRun, command.CommandId, $"would revert {planned.Count} key(s) to {target}", from, from, planned);
            }

            _appliedCommands.Add(command.CommandId);
            return new RollbackApplied(RollbackStatus.Applied, command.CommandId, $"reverted {planned.Count} key(s) to their value at {target}", from, StateVersion, planned);
        }
    }

    /// <summary>
    /// Applies a state sync: sets each listed key to the source environment's value and deletes the listed keys,
    /// leaving the rest of the policy alone. Keys already at the wanted value are not changed again, and a
    /// command id seen before is a duplicate, so a repeated sync changes nothing.
    /// </summary>
    public RollbackApplied ApplySync(SyncCommandMessage command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_gate)
        {
            if (command.Schema != "driftwatch.sync/v1" || string.IsNullOrEmpty(command.CommandId))
            {
                return Refuse(command, "not a driftwatch.sync/v1 command");
            }

            if (!string.Equals(command.AgentId, AgentId, StringComparison.Ordinal) || !string.Equals(command.Environment, Environment, StringComparison.Ordinal))
            {
                return Refuse(command, $"command is for {command.AgentId}/{command.Environment}, this is {AgentId}/{Environment}");
            }

            if (_appliedCommands.Contains(command.CommandId))
            {
                return new RollbackApplied(RollbackStatus.Duplicate, command.CommandId, "already applied", StateVersion, StateVersion, []);
            }

            var wanted = (command.Set ?? [])
                .Where(static s => !string.IsNullOrEmpty(s.Key))
                .Select(static s => (Key: s.Key!, Value: s.Value))
                .Concat((command.Delete ?? []).Select(static k => (Key: k, Value: (JsonNode?)null)))
                .OrderBy(static p => p.Key, StringComparer.Ordinal);
            var from = StateVersion;
            var planned = new List<StateChange>();
            foreach (var (key, value) in wanted)
            {
                _state.TryGetValue(key, out var current);
                if (JsonNode.DeepEquals(value, current))
                {
                    continue;
                }

                planned.Add(command.DryRun
                    ? new StateChange(string.Empty, _time.GetUtcNow(), key, value?.DeepClone(), StateVersion)
                    : Change(key, value?.DeepClone()));
            }

            if (command.DryRun)
            {
                return new RollbackApplied(RollbackStatus.DryRun, command.CommandId, $"would sync {planned.Count} key(s) from {command.SourceEnvironment}", from, from, planned);
            }

            _appliedCommands.Add(command.CommandId);
            return new RollbackApplied(RollbackStatus.Applied, command.CommandId, $"synced {planned.Count} key(s) from {command.SourceEnvironment}", from, StateVersion, planned);
        }
    }

    private static RollbackApplied Refuse(ControlCommandMessage command, string detail) =>
        new(RollbackStatus.Rejected, command.CommandId, detail, null, null, []);

    private string QueueFor(string urgency) =>
        (_state.TryGetValue($"route/urgency={urgency}", out var specific) ? specific : null)?.GetValue<string>()
        ?? (_state.TryGetValue("route/default", out var fallback) ? fallback : null)?.GetValue<string>()
        ?? "general";

    private StateChange Change(string key, JsonNode? value)
    {
        if (value is null)
        {
            _state.Remove(key);
        }
        else
        {
            _state[key] = value;
        }

        StateVersion = NextVersion();
        _versions[StateVersion] = Copy(_state);
        return new StateChange(Guid.NewGuid().ToString(), _time.GetUtcNow(), key, value?.DeepClone(), StateVersion);
    }

    private string NextVersion() => "mem-" + (++_sequence).ToString("D6", CultureInfo.InvariantCulture);

    private static Dictionary<string, JsonNode?> Copy(Dictionary<string, JsonNode?> state) =>
        state.ToDictionary(static p => p.Key, static p => p.Value?.DeepClone(), StringComparer.Ordinal);

    /// <summary>The <c>schema</c> of a control message, or null when it is not a JSON object with one.</summary>
    internal static string? SchemaOf(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.String
                ? schema.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static SyncCommandMessage? ParseSync(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<SyncCommandMessage>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static RollbackCommandMessage? ParseCommand(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<RollbackCommandMessage>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
