using System.Text.Json.Nodes;
using DriftWatch.SampleAgent;
using Microsoft.Extensions.Time.Testing;

namespace DriftWatch.Api.Tests;

public sealed class RoutingPolicyRuntimeTests
{
    private static RoutingPolicyRuntime Runtime(out string good)
    {
        var runtime = new RoutingPolicyRuntime("agent", "1.0", new FakeTimeProvider());
        runtime.Set("route/default", JsonValue.Create("general"));
        runtime.Set("route/urgency=high", JsonValue.Create("escalations"));
        good = runtime.StateVersion;
        runtime.Set("route/urgency=high", JsonValue.Create("general"));
        runtime.Set("tone", JsonValue.Create("curt"));
        return runtime;
    }

    private static RollbackCommandMessage Command(string target, string[] keys, string id = "c1", bool dryRun = false) => new()
    {
        Schema = "driftwatch.rollback/v1",
        CommandId = id,
        AgentId = "agent",
        Target = new RollbackCommandMessage.TargetMessage { StateVersion = target },
        RevertKeys = keys,
        DryRun = dryRun,
    };

    [Fact]
    public void Decide_UrgentTicket_UsesTheCurrentPolicy()
    {
        var runtime = Runtime(out _);

        var decision = runtime.Decide(new Ticket("x", "outage", "high", "email"));

        Assert.Equal("general", decision.Queue);
        Assert.Equal(runtime.StateVersion, decision.StateVersion);
    }

    [Fact]
    public void Apply_RevertKeys_RevertsOnlyThoseKeys()
    {
        var runtime = Runtime(out var good);

        var result = runtime.Apply(Command(good, ["route/urgency=high"]));

        Assert.Equal(RollbackStatus.Applied, result.Status);
        Assert.Equal(["route/urgency=high"], result.Reverted.Select(static c => c.Key).ToArray());
        Assert.Equal("escalations", runtime.Decide(new Ticket("x", "outage", "high", "email")).Queue);
        Assert.Equal("\"curt\"", runtime.Get("tone"));
    }

    [Fact]
    public void Apply_NoRevertKeys_RevertsTheWholeState()
    {
        var runtime = Runtime(out var good);

        var result = runtime.Apply(Command(good, []));

        Assert.Equal(["route/urgency=high", "tone"], result.Reverted.Select(static c => c.Key).ToArray());
        Assert.Null(runtime.Get("tone"));
        Assert.Equal("\"escalations\"", runtime.Get("route/urgency=high"));
        Assert.NotEqual(good, runtime.StateVersion);
    }

    [Fact]
    public void Apply_SameCommandTwice_AppliesOnce()
    {
        var runtime = Runtime(out var good);
        runtime.Apply(Command(good, ["route/urgency=high"]));
        var version = runtime.StateVersion;

        var again = runtime.Apply(Command(good, ["route/urgency=high"]));

        Assert.Equal(RollbackStatus.Duplicate, again.Status);
        Assert.Equal(version, runtime.StateVersion);
    }

    [Fact]
    public void Apply_DryRun_ChangesNothing()
    {
        var runtime = Runtime(out var good);
        var version = runtime.StateVersion;

        var result = runtime.Apply(Command(good, [], dryRun: true));

        Assert.Equal(RollbackStatus.DryRun, result.Status);
        Assert.Equal(2, result.Reverted.Count);
        Assert.Equal(version, runtime.StateVersion);
        Assert.Equal("\"curt\"", runtime.Get("tone"));
    }

    [Fact]
    public void Apply_UnknownVersionOrOtherAgent_IsRejected()
    {
        var runtime = Runtime(out _);

        Assert.Equal(RollbackStatus.Rejected, runtime.Apply(Command("mem-999999", [])).Status);
        Assert.Equal(RollbackStatus.Rejected, runtime.Apply(Command("mem-000001", []) with { AgentId = "someone-else" }).Status);
        Assert.Equal(RollbackStatus.Rejected, runtime.Apply(Command("mem-000001", []) with { Schema = "x" }).Status);
    }

    [Fact]
    public void StateEvent_SegmentedKey_CarriesItsSegment()
    {
        var runtime = Runtime(out _);
        var change = runtime.Set("route/urgency=low", JsonValue.Create("self-service"));

        var json = JsonNode.Parse(AgentEvents.State(runtime, change, "production"))!;

        Assert.Equal("driftwatch.state/v1", json["schema"]!.GetValue<string>());
        Assert.Equal("low", json["segment"]!["urgency"]!.GetValue<string>());
        Assert.Equal(change.StateVersion, json["state_version"]!.GetValue<string>());
    }
}
