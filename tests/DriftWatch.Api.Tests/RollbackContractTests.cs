using System.Text.Json;
using System.Text.Json.Nodes;
using DriftWatch.Api.Rollback;
using DriftWatch.SampleAgent;

namespace DriftWatch.Api.Tests;

public sealed class RollbackContractTests
{
    private static RollbackCommand Command() => new()
    {
        CommandId = "3f1c9a4e-0000-4000-8000-000000000001",
        AgentId = "support-router",
        Environment = "production",
        IssuedAt = new DateTimeOffset(2026, 3, 2, 9, 0, 5, TimeSpan.Zero),
        Target = new RollbackTarget { AgentVersion = "2026.02.1", StateVersion = "mem-000123" },
        Scope = new RollbackScope
        {
            Features = ["decision.outcome|input.features.urgency=high"],
            Segments = [new Dictionary<string, string> { ["urgency"] = "high" }],
        },
        RevertKeys = ["route/urgency=high"],
        Reason = new RollbackReason
        {
            Source = "alertmanager",
            Fingerprint = "1a30ba71cca2921f",
            StartsAt = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero),
            Feature = "decision.outcome|input.features.urgency=high",
            Summary = "urgent tickets go to general",
        },
        UpstreamFirst = new UpstreamRollback
        {
            AgentId = "intake-router",
            IncidentId = "inc-0123456789abcdef",
            Share = 0.64,
            Target = new RollbackTarget { AgentVersion = "2026.01.7", StateVersion = "mem-000098" },
            RevertKeys = ["policy/routing/urgency-high"],
        },
    };

    private static JsonObject Schema()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DriftWatch.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var path = Path.Combine(directory.FullName, "schemas", "driftwatch.rollback.v1.schema.json");
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }

    [Fact]
    public void Serialize_Command_HasExactlyTheSchemaPropertiesAndAllRequiredOnes()
    {
        var schema = Schema();
        var json = JsonNode.Parse(RollbackJson.SerializeToString(Command()))!.AsObject();

        var properties = schema["properties"]!.AsObject().Select(static p => p.Key).Order(StringComparer.Ordinal).ToArray();
        var written = json.Select(static p => p.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(properties, written);
        foreach (var required in schema["required"]!.AsArray())
        {
            Assert.True(json.ContainsKey(required!.GetValue<string>()), $"missing {required}");
        }

        foreach (var nested in new[] { "target", "scope", "reason" })
        {
            foreach (var required in schema["properties"]![nested]!["required"]!.AsArray())
            {
                Assert.True(json[nested]!.AsObject().ContainsKey(required!.GetValue<string>()), $"missing {nested}.{required}");
            }
        }

        Assert.Equal(schema["properties"]!["schema"]!["const"]!.GetValue<string>(), json["schema"]!.GetValue<string>());
    }

    [Fact]
    public void Deserialize_SerializedCommand_RoundTrips()
    {
        var command = Command();

        var back = RollbackJson.Deserialize(RollbackJson.Serialize(command));

        Assert.Equal(command.CommandId, back.CommandId);
        Assert.Equal(command.Target, back.Target);
        Assert.Equal(command.RevertKeys, back.RevertKeys);
        Assert.Equal("high", back.Scope.Segments[0]["urgency"]);
        Assert.Equal(command.Reason, back.Reason);
    }

    [Fact]
    public void Deserialize_OtherSchema_Throws()
    {
        Assert.Throws<JsonException>(() => RollbackJson.Deserialize("{\"schema\":\"other/v1\",\"command_id\":\"x\",\"agent_id\":\"a\",\"environment\":\"p\",\"issued_at\":\"2026-03-02T09:00:00Z\",\"target\":{},\"scope\":{},\"reason\":{\"source\":\"grafana\",\"fingerprint\":\"f\",\"starts_at\":\"2026-03-02T09:00:00Z\",\"feature\":\"x\"}}"u8));
    }

    [Fact]
    public void ParseCommand_SampleRuntime_ReadsWhatDriftWatchWrites()
    {
        var message = RoutingPolicyRuntime.ParseCommand(RollbackJson.Serialize(Command()));

        Assert.NotNull(message);
        Assert.Equal("driftwatch.rollback/v1", message.Schema);
        Assert.Equal("mem-000123", message.Target!.StateVersion);
        Assert.Equal(["route/urgency=high"], message.RevertKeys);
    }
}
