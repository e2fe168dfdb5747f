using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DriftWatch.Api.Sync;
using DriftWatch.Core.Events;
using DriftWatch.Core.Sync;
using DriftWatch.SampleAgent;

namespace DriftWatch.Api.Tests;

public sealed class StateSyncContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    internal static StateEvent Change(string environment, string key, string json, int minute, string? urgency = null) => new()
    {
        EventId = $"{environment}-{key}-{minute}",
        AgentId = "support-router",
        Environment = environment,
        Timestamp = T0.AddMinutes(minute),
        Key = key,
        Op = StateOperation.Set,
        Value = JsonDocument.Parse(json).RootElement.Clone(),
        Segment = urgency is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["urgency"] = urgency },
        StateVersion = $"mem-{minute:D6}",
    };

    internal static StateSyncPlan Plan() => StateSyncPlanner.Plan(
        "support-router",
        "production",
        "staging",
        [
            Change("production", "route/urgency=high", "\"escalations\"", 1, "high"),
            Change("production", "memory/greeting", "\"hello\"", 2),
            Change("staging", "route/urgency=high", "\"general\"", 3, "high"),
            Change("staging", "memory/greeting", "\"hi there\"", 4),
            Change("staging", "memory/experiment", "{\"arm\":\"b\"}", 5),
        ]);

    internal static StateSyncCommand Command(bool dryRun = false, params string[] features)
    {
        var plan = Plan();
        var selection = new StateSyncSelection { Features = features };
        return StateSyncCommand.FromPlan(plan, plan.Select([], features), selection, T0.AddHours(1), dryRun);
    }

    private static JsonObject Schema()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DriftWatch.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return JsonNode.Parse(File.ReadAllText(Path.Combine(directory.FullName, "schemas", "driftwatch.sync.v1.schema.json")))!.AsObject();
    }

    [Fact]
    public void Serialize_Command_MatchesTheSchema()
    {
        var schema = Schema();
        var json = JsonNode.Parse(StateSyncJson.Serialize(Command()))!.AsObject();

        var properties = schema["properties"]!.AsObject().Select(static p => p.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(properties, json.Select(static p => p.Key).Order(StringComparer.Ordinal).ToArray());
        foreach (var required in schema["required"]!.AsArray())
        {
            Assert.True(json.ContainsKey(required!.GetValue<string>()), $"missing {required}");
        }

        var item = schema["properties"]!["set"]!["items"]!;
        var itemProperties = item["properties"]!.AsObject().Select(static p => p.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var set in json["set"]!.AsArray())
        {
            Assert.All(item["required"]!.AsArray(), r => Assert.True(set!.AsObject().ContainsKey(r!.GetValue<string>()), $"missing set[].{r}"));
            Assert.All(set!.AsObject(), p => Assert.Contains(p.Key, itemProperties));
        }

        Assert.Matches(new Regex(schema["properties"]!["command_id"]!["pattern"]!.GetValue<string>()), json["command_id"]!.GetValue<string>());
        Assert.Equal(schema["properties"]!["schema"]!["const"]!.GetValue<string>(), json["schema"]!.GetValue<string>());
    }

    [Fact]
    public void FromPlan_AllDifferences_SetsSourceValuesAndDeletesTargetOnlyKeys()
    {
        var command = Command();

        Assert.Equal("staging", command.Environment);
        Assert.Equal("production", command.SourceEnvironment);
        Assert.Equal(["memory/greeting", "route/urgency=high"], command.Set.Select(static s => s.Key));
        Assert.Equal("\"escalations\"", command.Set[1].Value.GetRawText());
        Assert.Equal(["memory/experiment"], command.Delete);
    }

    [Fact]
    public void FromPlan_LimitedToAFeature_KeepsOnlyTheLinkedKey()
    {
        var command = Command(false, "decision.outcome|input.features.urgency=high");

        Assert.Equal(["route/urgency=high"], command.Set.Select(static s => s.Key));
        Assert.Empty(command.Delete);
    }

    [Fact]
    public void CommandId_SamePlanAtAnotherTime_IsTheSameAndDiffersForOtherChanges()
    {
        var first = Command();
        var again = Command(dryRun: true) with { IssuedAt = T0.AddDays(1) };
        var limited = Command(false, "decision.outcome|input.features.urgency=high");

        Assert.Equal(first.CommandId, StateSyncCommand.FromPlan(Plan(), Plan().Differences, new StateSyncSelection(), T0.AddDays(2), true).CommandId);
        Assert.Equal(first.CommandId, again.CommandId);
        Assert.NotEqual(first.CommandId, limited.CommandId);
    }

    [Fact]
    public void Deserialize_SerializedCommand_RoundTripsAndOtherSchemaThrows()
    {
        var command = Command();

        var back = StateSyncJson.Deserialize(StateSyncJson.Serialize(command));

        Assert.Equal(command.CommandId, back.CommandId);
        Assert.Equal(command.Delete, back.Delete);
        Assert.Equal("high", back.Set[1].Segment!["urgency"]);
        Assert.Throws<JsonException>(() => StateSyncJson.Deserialize("{\"schema\":\"driftwatch.rollback/v1\",\"command_id\":\"x\",\"agent_id\":\"a\",\"environment\":\"s\",\"source_environment\":\"p\",\"issued_at\":\"2026-03-02T09:00:00Z\"}"u8));
    }

    [Fact]
    public void ParseSync_SampleRuntime_ReadsWhatDriftWatchWrites()
    {
        var json = StateSyncJson.Serialize(Command());

        var message = RoutingPolicyRuntime.ParseSync(json);

        Assert.Equal("driftwatch.sync/v1", RoutingPolicyRuntime.SchemaOf(json));
        Assert.NotNull(message);
        Assert.Equal("staging", message.Environment);
        Assert.Equal("escalations", message.Set![1].Value!.GetValue<string>());
        Assert.Equal(["memory/experiment"], message.Delete);
    }
}
