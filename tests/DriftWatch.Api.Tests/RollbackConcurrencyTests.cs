using System.Net;
using DriftWatch.Api.Audit;

namespace DriftWatch.Api.Tests;

/// <summary>
/// Rollback delivery against real HTTP runtimes on free ports: agents do not wait for each other, a
/// redelivery joins the execution in progress, and the idempotency key names the agent.
/// </summary>
public sealed class RollbackConcurrencyTests
{
    private static readonly DateTimeOffset StartsAt = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    // A guard against hanging forever on a regression, not a measurement: the tests assert order and counts.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private static Task<Scenario> StartAsync(TestRuntime runtime, int maxAttempts = 3, int maxConcurrent = 8) => Scenario.StartAsync(o =>
    {
        o.Rollback.MaxConcurrentDeliveries = maxConcurrent;
        o.Rollback.AllowedAgents = [Scenario.AgentId, Scenario.OtherAgent];
        o.Rollback.RuntimeUrls = new Dictionary<string, string>
        {
            [Scenario.AgentId] = runtime.Url("a"),
            [Scenario.OtherAgent] = runtime.Url("b"),
        };
        o.Rollback.MaxAttempts = maxAttempts;
        o.Rollback.InitialBackoff = TimeSpan.FromMilliseconds(10);
    });

    private static string Alert(string agent, string fingerprint = "f00d") =>
        Payloads.Alertmanager("firing", Payloads.Labels(agent: agent), fingerprint, StartsAt);

    [Fact]
    public async Task Post_OneRuntimeBlocked_OtherAgentsRollbackCompletesMeanwhile()
    {
        await using var runtime = await TestRuntime.StartAsync();
        runtime.Hold("a");
        await using var scenario = await StartAsync(runtime);

        var blocked = scenario.PostAlertmanagerAsync(Alert(Scenario.AgentId, "aaaa"));
        await runtime.ArrivedAsync("a").WaitAsync(Guard);
        using var other = await scenario.PostAlertmanagerAsync(Alert(Scenario.OtherAgent, "bbbb")).WaitAsync(Guard);

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.False(blocked.IsCompleted, "agent A's rollback should still be waiting for its runtime");
        Assert.Equal(1, runtime.Calls("b"));
        runtime.Release("a");
        using var first = await blocked.WaitAsync(Guard);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var executed = (await scenario.AuditAsync()).Where(static r => r is { Kind: AuditKinds.Decision, Decision: AuditDecisions.Executed }).Select(static r => r.AgentId).ToList();
        Assert.Equal([Scenario.OtherAgent, Scenario.AgentId], executed);
    }

    [Fact]
    public async Task Post_TwoEpisodesOfOneAgent_AreDeliveredOneAfterTheOther()
    {
        await using var runtime = await TestRuntime.StartAsync();
        runtime.Hold("a");
        await using var scenario = await StartAsync(runtime);

        var first = scenario.PostAlertmanagerAsync(Alert(Scenario.AgentId, "0001"));
        await runtime.ArrivedAsync("a").WaitAsync(Guard);
        var second = scenario.PostAlertmanagerAsync(Alert(Scenario.AgentId, "0002"));
        await WaitForAsync(async () => (await scenario.AuditAsync()).Count(static r => r.Kind == AuditKinds.Plan) == 2);

        Assert.Equal(1, runtime.Calls("a"));
        runtime.Release("a");
        using var r1 = await first.WaitAsync(Guard);
        using var r2 = await second.WaitAsync(Guard);
        Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.Equal(2, runtime.Calls("a"));
    }

    [Fact]
    public async Task Post_ParallelismOfOne_OtherAgentWaitsForTheSlot()
    {
        await using var runtime = await TestRuntime.StartAsync();
        runtime.Hold("a");
        await using var scenario = await StartAsync(runtime, maxConcurrent: 1);

        var blocked = scenario.PostAlertmanagerAsync(Alert(Scenario.AgentId, "aaaa"));
        await runtime.ArrivedAsync("a").WaitAsync(Guard);
        var other = scenario.PostAlertmanagerAsync(Alert(Scenario.OtherAgent, "bbbb"));
        await WaitForAsync(async () => (await scenario.AuditAsync()).Any(static r => r is { Kind: AuditKinds.Plan, AgentId: Scenario.OtherAgent }));

        Assert.Equal(0, runtime.Calls("b"));
        runtime.Release("a");
        using var r1 = await blocked.WaitAsync(Guard);
        using var r2 = await other.WaitAsync(Guard);
        Assert.Equal(1, runtime.Calls("b"));
        var executed = (await scenario.AuditAsync()).Where(static r => r is { Kind: AuditKinds.Decision, Decision: AuditDecisions.Executed }).Select(static r => r.AgentId).ToList();
        Assert.Equal([Scenario.AgentId, Scenario.OtherAgent], executed);
    }

    [Fact]
    public async Task Post_RedeliveryWhileRetrying_JoinsTheRunningExecution()
    {
        await using var runtime = await TestRuntime.StartAsync();
        runtime.Answer("a", 503);
        runtime.Hold("a");
        await using var scenario = await StartAsync(runtime, maxAttempts: 3);

        var first = scenario.PostAlertmanagerAsync(Alert(Scenario.AgentId));
        await runtime.ArrivedAsync("a").WaitAsync(Guard);
        var second = scenario.PostAlertmanagerAsync(Alert(Scenario.AgentId));
        await WaitForAsync(async () => (await scenario.AuditAsync()).Count(static r => r.Kind == AuditKinds.Received) == 2);
        runtime.Release("a");
        using var r1 = await first.WaitAsync(Guard);
        using var r2 = await second.WaitAsync(Guard);

        // One execution of three attempts; before, the redelivery waited and then made three more.
        Assert.Equal(3, runtime.Calls("a"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r1.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r2.StatusCode);
        var audit = await scenario.AuditAsync();
        Assert.Single(audit, static r => r.Kind == AuditKinds.Execution);
        Assert.Single(audit, static r => r is { Kind: AuditKinds.Decision } && r.Detail!.StartsWith("joined the execution in progress", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_SameFingerprintAndStartForAnotherAgent_IsNotADuplicate()
    {
        await using var runtime = await TestRuntime.StartAsync();
        await using var scenario = await StartAsync(runtime);

        using var a = await scenario.PostAlertmanagerAsync(Alert(Scenario.AgentId, "same"));
        using var b = await scenario.PostAlertmanagerAsync(Alert(Scenario.OtherAgent, "same"));
        using var again = await scenario.PostAlertmanagerAsync(Alert(Scenario.OtherAgent, "same"));

        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        Assert.Equal(1, runtime.Calls("a"));
        Assert.Equal(1, runtime.Calls("b"));
        var decisions = (await scenario.AuditAsync()).Where(static r => r.Kind == AuditKinds.Decision).Select(static r => $"{r.AgentId} {r.Decision}").ToList();
        Assert.Equal([$"{Scenario.AgentId} executed", $"{Scenario.OtherAgent} executed", $"{Scenario.OtherAgent} duplicate"], decisions);
    }

    [Fact]
    public async Task Post_RedeliveryAfterRuntimeFailed_DoesNotRepublishTheKafkaCommand()
    {
        await using var runtime = await TestRuntime.StartAsync();
        runtime.Answer("a", 503);
        await using var scenario = await Scenario.StartAsync(
            o =>
            {
                o.Rollback.KafkaBootstrapServers = "127.0.0.1:1";
                o.Rollback.RuntimeUrls = new Dictionary<string, string> { [Scenario.AgentId] = runtime.Url("a") };
                o.Rollback.MaxAttempts = 2;
            },
            configureKafka: static c => c.Set("test.mock.num.brokers", "1"));

        using var first = await scenario.PostAlertmanagerAsync(Alert(Scenario.AgentId));
        runtime.Answer("a", 200);
        using var redelivery = await scenario.PostAlertmanagerAsync(Alert(Scenario.AgentId));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        var executions = (await scenario.AuditAsync()).Where(static r => r.Kind == AuditKinds.Execution).ToList();
        Assert.Equal(2, executions.Count);
        Assert.Contains("kafka agent-control: partition", executions[0].Detail, StringComparison.Ordinal);
        Assert.Contains("delivered by an earlier attempt, not sent again", executions[1].Detail, StringComparison.Ordinal);
        Assert.Equal(3, runtime.Calls("a"));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (!await condition())
        {
            await Task.Delay(10, guard.Token);
        }
    }
}
