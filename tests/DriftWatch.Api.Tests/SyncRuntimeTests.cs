using System.Text.Json.Nodes;
using DriftWatch.Api.Sync;
using DriftWatch.SampleAgent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DriftWatch.Api.Tests;

/// <summary>The sample runtime applying <c>driftwatch.sync/v1</c> commands.</summary>
public sealed class SyncRuntimeTests
{
    private static RoutingPolicyRuntime Staging()
    {
        var runtime = new RoutingPolicyRuntime("support-router", "1.0", new FakeTimeProvider(), "staging");
        runtime.Set("route/urgency=high", JsonValue.Create("general"));
        runtime.Set("memory/greeting", JsonValue.Create("hi there"));
        runtime.Set("memory/experiment", JsonValue.Create("b"));
        return runtime;
    }

    [Fact]
    public void Handle_SyncOfAllKeys_SetsAndDeletesThemAndReportsTheChanges()
    {
        var runtime = Staging();
        var handler = new RollbackHandler(runtime, NullLogger.Instance);

        var result = handler.Handle(StateSyncJson.Serialize(StateSyncContractTests.Command()));

        Assert.Equal(RollbackStatus.Applied, result.Status);
        Assert.Equal("\"escalations\"", runtime.Get("route/urgency=high"));
        Assert.Equal("\"hello\"", runtime.Get("memory/greeting"));
        Assert.Null(runtime.Get("memory/experiment"));
        Assert.Equal(["memory/experiment", "memory/greeting", "route/urgency=high"], result.Reverted.Select(static c => c.Key));
    }

    [Fact]
    public void Handle_SyncLimitedToRouting_KeepsTheGreeting()
    {
        var runtime = Staging();

        new RollbackHandler(runtime, NullLogger.Instance).Handle(StateSyncJson.Serialize(StateSyncContractTests.Command(false, "decision.outcome|input.features.urgency=high")));

        Assert.Equal("\"escalations\"", runtime.Get("route/urgency=high"));
        Assert.Equal("\"hi there\"", runtime.Get("memory/greeting"));
    }

    [Fact]
    public void Handle_SameSyncTwice_SecondIsADuplicateAndChangesNothing()
    {
        var runtime = Staging();
        var handler = new RollbackHandler(runtime, NullLogger.Instance);
        var json = StateSyncJson.Serialize(StateSyncContractTests.Command());
        handler.Handle(json);
        runtime.Set("route/urgency=high", JsonValue.Create("general"));
        var version = runtime.StateVersion;

        var again = handler.Handle(json);

        Assert.Equal(RollbackStatus.Duplicate, again.Status);
        Assert.Equal(version, runtime.StateVersion);
        Assert.Equal("\"general\"", runtime.Get("route/urgency=high"));
    }

    [Fact]
    public void Handle_SyncForAnotherEnvironment_IsRefused()
    {
        var production = new RoutingPolicyRuntime("support-router", "1.0", new FakeTimeProvider(), "production");
        production.Set("route/urgency=high", JsonValue.Create("escalations"));

        var result = new RollbackHandler(production, NullLogger.Instance).Handle(StateSyncJson.Serialize(StateSyncContractTests.Command()));

        Assert.Equal(RollbackStatus.Rejected, result.Status);
        Assert.Null(production.Get("memory/greeting"));
    }

    [Fact]
    public void Handle_DryRunSync_DescribesWithoutChanging()
    {
        var runtime = Staging();
        var version = runtime.StateVersion;

        var result = new RollbackHandler(runtime, NullLogger.Instance).Handle(StateSyncJson.Serialize(StateSyncContractTests.Command(dryRun: true)));

        Assert.Equal(RollbackStatus.DryRun, result.Status);
        Assert.Equal(3, result.Reverted.Count);
        Assert.Equal(version, runtime.StateVersion);
    }
}
