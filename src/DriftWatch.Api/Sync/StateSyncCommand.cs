using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using DriftWatch.Core.Sync;

namespace DriftWatch.Api.Sync;

/// <summary>
/// A state sync as sent to an agent runtime: the <c>driftwatch.sync/v1</c> contract
/// (schemas/driftwatch.sync.v1.schema.json, docs/sync.md). The runtime of <see cref="AgentId"/> in
/// <see cref="Environment"/> sets each key of <see cref="Set"/> to its value and deletes each key of
/// <see cref="Delete"/>; the rest of its state stays as it is.
/// </summary>
public sealed record StateSyncCommand
{
    /// <summary>Schema identifier carried by every sync command.</summary>
    public const string SchemaId = "driftwatch.sync/v1";

    [JsonPropertyName("schema")]
    public string Schema { get; init; } = SchemaId;

    /// <summary>Derived from the changes alone (<see cref="IdOf"/>), so a runtime ignores the same sync sent twice.</summary>
    [JsonPropertyName("command_id")]
    public required string CommandId { get; init; }

    [JsonPropertyName("agent_id")]
    public required string AgentId { get; init; }

    /// <summary>The environment whose runtime applies the command (the plan's target).</summary>
    [JsonPropertyName("environment")]
    public required string Environment { get; init; }

    /// <summary>The environment the values were copied from.</summary>
    [JsonPropertyName("source_environment")]
    public required string SourceEnvironment { get; init; }

    [JsonPropertyName("issued_at")]
    public required DateTimeOffset IssuedAt { get; init; }

    [JsonPropertyName("set")]
    public IReadOnlyList<StateSyncValue> Set { get; init; } = [];

    [JsonPropertyName("delete")]
    public IReadOnlyList<string> Delete { get; init; } = [];

    /// <summary>Why these keys: the keys and features the sync was limited to (both empty: every differing key).</summary>
    [JsonPropertyName("selection")]
    public StateSyncSelection Selection { get; init; } = new();

    /// <summary>True when the command only describes what would change.</summary>
    [JsonPropertyName("dry_run")]
    public bool DryRun { get; init; }

    /// <summary>
    /// The command that brings the target of <paramref name="plan"/> to the source's values for
    /// <paramref name="selected"/> (from <see cref="StateSyncPlan.Select"/>).
    /// </summary>
    public static StateSyncCommand FromPlan(
        StateSyncPlan plan,
        IReadOnlyList<StateKeyDifference> selected,
        StateSyncSelection selection,
        DateTimeOffset issuedAt,
        bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(selected);
        ArgumentNullException.ThrowIfNull(selection);
        var set = selected
            .Where(static d => d.Source is not null)
            .Select(static d => new StateSyncValue
            {
                Key = d.Key,
                Value = d.Source!.Value,
                Segment = d.Source.Segment.Count == 0 ? null : d.Source.Segment,
                SourceStateVersion = d.Source.StateVersion,
                LinkedFeatures = d.LinkedFeatures,
            })
            .ToList();
        var delete = selected.Where(static d => d.Source is null).Select(static d => d.Key).ToList();
        return new StateSyncCommand
        {
            CommandId = IdOf(plan.AgentId, plan.TargetEnvironment, plan.SourceEnvironment, set, delete),
            AgentId = plan.AgentId,
            Environment = plan.TargetEnvironment,
            SourceEnvironment = plan.SourceEnvironment,
            IssuedAt = issuedAt,
            Set = set,
            Delete = delete,
            Selection = selection,
            DryRun = dryRun,
        };
    }

    /// <summary>
    /// <c>sync-</c> and the first 24 hex digits of a SHA-256 over agent, both environments and the changes (keys in
    /// order, values as recorded): the same plan gives the same id, any other change a different one.
    /// </summary>
    internal static string IdOf(string agentId, string environment, string source, IReadOnlyList<StateSyncValue> set, IReadOnlyList<string> delete)
    {
        var text = new StringBuilder().Append(agentId).Append('\n').Append(environment).Append('\n').Append(source).Append('\n');
        foreach (var value in set.OrderBy(static v => v.Key, StringComparer.Ordinal))
        {
            text.Append("set ").Append(value.Key).Append(' ').Append(value.Value.GetRawText()).Append('\n');
        }

        foreach (var key in delete.Order(StringComparer.Ordinal))
        {
            text.Append("delete ").Append(key).Append('\n');
        }

        return "sync-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..24];
    }
}

/// <summary>One key a sync sets, with the value it has in the source environment.</summary>
public sealed record StateSyncValue
{
    [JsonPropertyName("key")]
    public required string Key { get; init; }

    [JsonPropertyName("value")]
    public required JsonElement Value { get; init; }

    /// <summary>The input segment the value applies to in the source; absent means all traffic.</summary>
    [JsonPropertyName("segment")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Segment { get; init; }

    [JsonPropertyName("source_state_version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SourceStateVersion { get; init; }

    /// <summary>Behaviour features attribution links the key to.</summary>
    [JsonPropertyName("linked_features")]
    public IReadOnlyList<string> LinkedFeatures { get; init; } = [];
}

/// <summary>What a sync was limited to.</summary>
public sealed record StateSyncSelection
{
    [JsonPropertyName("keys")]
    public IReadOnlyList<string> Keys { get; init; } = [];

    [JsonPropertyName("features")]
    public IReadOnlyList<string> Features { get; init; } = [];
}

/// <summary>Serializes <see cref="StateSyncCommand"/> as the <c>driftwatch.sync/v1</c> JSON document.</summary>
public static class StateSyncJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    /// <summary>The command as UTF-8 JSON.</summary>
    public static byte[] Serialize(StateSyncCommand command) => JsonSerializer.SerializeToUtf8Bytes(command, Options);

    /// <summary>The command as indented JSON, for people.</summary>
    public static string SerializeIndented(StateSyncCommand command) => JsonSerializer.Serialize(command, Indented);

    /// <summary>Reads a command; throws <see cref="JsonException"/> when the document is not one.</summary>
    public static StateSyncCommand Deserialize(ReadOnlySpan<byte> json)
    {
        var command = JsonSerializer.Deserialize<StateSyncCommand>(json, Options)
            ?? throw new JsonException("A sync command must be a JSON object.");
        return command.Schema == StateSyncCommand.SchemaId
            ? command
            : throw new JsonException($"Expected schema {StateSyncCommand.SchemaId}, got '{command.Schema}'.");
    }

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.General) { WriteIndented = true };
}
