using System.Net;
using DriftWatch.Api.Audit;
using DriftWatch.Api.Rollback;

namespace DriftWatch.Api.Tests;

public sealed class GrafanaWebhookTests
{
    private static readonly DateTimeOffset StartsAt = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Post_SignedFiringAlert_RollsTheRuntimeBackToTheLastGoodPolicy()
    {
        await using var scenario = await Scenario.StartAsync();
        Assert.Equal("\"general\"", scenario.Runtime.Get("route/urgency=high"));

        using var response = await scenario.PostGrafanaAsync(Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = await Scenario.JsonAsync(response);
        Assert.Equal(AuditDecisions.Executed, json.RootElement.GetProperty("results")[0].GetProperty("decision").GetString());
        Assert.Equal(1, scenario.Applied);
        Assert.Equal("\"escalations\"", scenario.Runtime.Get("route/urgency=high"));
        Assert.Equal("\"general\"", scenario.Runtime.Get("route/default"));

        var audit = await scenario.AuditAsync();
        Assert.Equal(
            [AuditKinds.Received, AuditKinds.Plan, AuditKinds.Execution, AuditKinds.Decision],
            audit.Select(static r => r.Kind).ToArray());
        var plan = audit.Single(static r => r.Kind == AuditKinds.Plan).Command!;
        Assert.Equal(scenario.GoodVersion, plan.Target.StateVersion);
        Assert.Equal(["route/urgency=high"], plan.RevertKeys);
        Assert.Equal("high", plan.Scope.Segments.Single()["urgency"]);
        Assert.Equal("grafana", plan.Reason.Source);
        Assert.True(audit.Single(static r => r.Kind == AuditKinds.Execution).Succeeded);
    }

    [Fact]
    public async Task Post_SameAlertDeliveredTwice_ExecutesOnce()
    {
        await using var scenario = await Scenario.StartAsync();
        var body = Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt);

        using var first = await scenario.PostGrafanaAsync(body);
        using var second = await scenario.PostGrafanaAsync(body);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using var json = await Scenario.JsonAsync(second);
        Assert.Equal(AuditDecisions.Duplicate, json.RootElement.GetProperty("results")[0].GetProperty("decision").GetString());
        Assert.Equal(1, scenario.Applied);
        var decisions = (await scenario.AuditAsync()).Where(static r => r.Kind == AuditKinds.Decision).Select(static r => r.Decision ?? "").ToArray();
        Assert.Equal([AuditDecisions.Executed, AuditDecisions.Duplicate], decisions);
    }

    [Fact]
    public async Task Post_ConcurrentDuplicateDeliveries_ExecuteOnce()
    {
        await using var scenario = await Scenario.StartAsync();
        var body = Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => scenario.PostGrafanaAsync(body)));

        Assert.All(responses, static r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, scenario.Applied);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Post_SameAlertAfterRestart_IsRecognisedFromTheAuditFile()
    {
        await using var scenario = await Scenario.StartAsync();
        var body = Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt);
        using var first = await scenario.PostGrafanaAsync(body);

        await scenario.RestartApiAsync();
        using var again = await scenario.PostGrafanaAsync(body);

        using var json = await Scenario.JsonAsync(again);
        Assert.Equal(AuditDecisions.Duplicate, json.RootElement.GetProperty("results")[0].GetProperty("decision").GetString());
        Assert.Equal(1, scenario.Applied);
    }

    [Fact]
    public async Task Post_NewEpisodeOfTheSameSeries_ExecutesAgain()
    {
        await using var scenario = await Scenario.StartAsync();
        using var first = await scenario.PostGrafanaAsync(Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt));

        using var later = await scenario.PostGrafanaAsync(Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt.AddHours(1)));

        using var json = await Scenario.JsonAsync(later);
        Assert.Equal(AuditDecisions.Executed, json.RootElement.GetProperty("results")[0].GetProperty("decision").GetString());
        Assert.Equal(2, scenario.Applied);
    }

    [Fact]
    public async Task Post_ResolvedAlert_IsRecordedNotExecuted()
    {
        await using var scenario = await Scenario.StartAsync();

        using var response = await scenario.PostGrafanaAsync(Payloads.Grafana("resolved", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, scenario.Applied);
        var audit = await scenario.AuditAsync();
        Assert.Equal([AuditKinds.Received, AuditKinds.Decision], audit.Select(static r => r.Kind).ToArray());
        Assert.Equal(AuditDecisions.Resolved, audit[1].Decision);
        Assert.Equal("resolved", audit[0].Status);
    }

    [Fact]
    public async Task Post_WrongSignature_Is401AndChangesNothing()
    {
        await using var scenario = await Scenario.StartAsync();

        using var response = await scenario.PostGrafanaAsync(
            Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt),
            secret: "not-the-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var text = await Scenario.ErrorAsync(response);
        Assert.DoesNotContain(Scenario.Secret, text, StringComparison.Ordinal);
        Assert.Equal(0, scenario.Applied);
        Assert.Empty(await scenario.AuditAsync());
    }

    [Fact]
    public async Task Post_SignatureOverDifferentBody_Is401()
    {
        await using var scenario = await Scenario.StartAsync();
        var signed = Payloads.Grafana("resolved", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt);
        var sent = Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, scenario.Url("/webhooks/grafana"))
        {
            Content = new StringContent(sent, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(Scenario.TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Grafana-Alerting-Signature", Payloads.Sign(Scenario.Secret, signed, ts));

        using var response = await scenario.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, scenario.Applied);
    }

    [Fact]
    public async Task Post_StaleTimestamp_Is401AndChangesNothing()
    {
        await using var scenario = await Scenario.StartAsync();
        var stale = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();

        using var response = await scenario.PostGrafanaAsync(
            Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt),
            timestamp: stale);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("stale", await Scenario.ErrorAsync(response), StringComparison.Ordinal);
        Assert.Equal(0, scenario.Applied);
        Assert.Empty(await scenario.AuditAsync());
    }

    [Fact]
    public async Task Post_NoSignature_Is401()
    {
        await using var scenario = await Scenario.StartAsync();

        using var response = await scenario.PostGrafanaAsync(Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt), secret: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, scenario.Applied);
    }

    [Fact]
    public async Task Post_SignedWithoutTimestampHeaderConfigured_SignsBodyAlone()
    {
        await using var scenario = await Scenario.StartAsync(static o => o.GrafanaTimestampHeader = null);
        var body = Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt);
        using var request = new HttpRequestMessage(HttpMethod.Post, scenario.Url("/webhooks/grafana"))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Grafana-Alerting-Signature", Payloads.Sign(Scenario.Secret, body, unixSeconds: null));

        using var response = await scenario.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, scenario.Applied);
    }

    [Fact]
    public async Task Post_AgentNotAllowed_IsRecordedAsNotAllowed()
    {
        await using var scenario = await Scenario.StartAsync();

        using var response = await scenario.PostGrafanaAsync(
            Payloads.Grafana("firing", Payloads.Labels(agent: Scenario.OtherAgent), "bc97ff14869b13e3", StartsAt));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, scenario.Applied);
        var decision = (await scenario.AuditAsync()).Single(static r => r.Kind == AuditKinds.Decision);
        Assert.Equal(AuditDecisions.NotAllowed, decision.Decision);
        Assert.Equal(Scenario.OtherAgent, decision.AgentId);
    }

    [Fact]
    public async Task Post_DryRun_PlansAndAuditsWithoutExecuting()
    {
        await using var scenario = await Scenario.StartAsync(static o => o.Rollback.DryRun = true);

        using var response = await scenario.PostGrafanaAsync(Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, scenario.Applied);
        Assert.Equal("\"general\"", scenario.Runtime.Get("route/urgency=high"));
        var audit = await scenario.AuditAsync();
        Assert.True(audit.Single(static r => r.Kind == AuditKinds.Plan).Command!.DryRun);
        Assert.Equal(AuditDecisions.DryRun, audit.Single(static r => r.Kind == AuditKinds.Decision).Decision);
        Assert.DoesNotContain(audit, static r => r.Kind == AuditKinds.Execution);
    }

    [Fact]
    public async Task Post_RuntimeUnreachable_Is503AndRetriedDeliveryExecutes()
    {
        await using var scenario = await Scenario.StartAsync();
        var reachable = scenario.Options.Rollback.RuntimeUrls[Scenario.AgentId];
        scenario.Options.Rollback.RuntimeUrls[Scenario.AgentId] = "http://127.0.0.1:1/control/rollback";
        var body = Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt);

        using var failed = await scenario.PostGrafanaAsync(body);
        scenario.Options.Rollback.RuntimeUrls[Scenario.AgentId] = reachable;
        using var retried = await scenario.PostGrafanaAsync(body);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(1, scenario.Applied);
        var decisions = (await scenario.AuditAsync()).Where(static r => r.Kind == AuditKinds.Decision).Select(static r => r.Decision ?? "").ToArray();
        Assert.Equal([AuditDecisions.Failed, AuditDecisions.Executed], decisions);
    }

    [Fact]
    public async Task GetAudit_AfterAnExecution_ListsEveryStep()
    {
        await using var scenario = await Scenario.StartAsync();
        using var posted = await scenario.PostGrafanaAsync(Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt));

        using var response = await scenario.GetAsync("/api/audit?agent_id=" + Scenario.AgentId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = await Scenario.JsonAsync(response);
        var kinds = json.RootElement.EnumerateArray().Select(static e => e.GetProperty("kind").GetString() ?? "").ToArray();
        Assert.Equal([AuditKinds.Received, AuditKinds.Plan, AuditKinds.Execution, AuditKinds.Decision], kinds);
        Assert.Equal(RollbackCommand.SchemaId, json.RootElement[1].GetProperty("command").GetProperty("schema").GetString());
    }
}
