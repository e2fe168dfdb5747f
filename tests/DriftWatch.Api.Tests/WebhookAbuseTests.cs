using System.Net;
using System.Text;
using DriftWatch.Api.Audit;
using DriftWatch.Api.Rollback;

namespace DriftWatch.Api.Tests;

public sealed class WebhookAbuseTests
{
    private static readonly DateTimeOffset StartsAt = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("{\"alerts\": [", "not valid JSON")]
    [InlineData("[1,2,3]", "JSON object")]
    [InlineData("{\"version\":\"4\"}", "'alerts' must be an array")]
    [InlineData("{\"version\":\"4\",\"alerts\":[]}", "1 to 1000")]
    [InlineData("{\"version\":\"3\",\"alerts\":[{}]}", "unsupported payload version")]
    [InlineData("{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"agent_id\":7},\"startsAt\":\"2026-03-02T09:00:00Z\"}]}", "must be a string")]
    [InlineData("{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{},\"startsAt\":\"yesterday\"}]}", "startsAt")]
    [InlineData("{\"version\":\"4\",\"alerts\":[{\"status\":\"exploded\",\"labels\":{},\"startsAt\":\"2026-03-02T09:00:00Z\"}]}", "status")]
    public async Task Post_MalformedPayload_Is400WithReasonAndExecutesNothing(string body, string reason)
    {
        await using var scenario = await Scenario.StartAsync();

        using var response = await scenario.PostAlertmanagerAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await Scenario.ErrorAsync(response), StringComparison.Ordinal);
        Assert.Equal(0, scenario.Applied);
        Assert.Empty(await scenario.AuditAsync());
    }

    [Fact]
    public async Task Post_DeeplyNestedJson_Is400()
    {
        await using var scenario = await Scenario.StartAsync();
        var body = new string('[', 5000) + new string(']', 5000);

        using var response = await scenario.PostAlertmanagerAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, scenario.Applied);
    }

    [Fact]
    public async Task Post_HugeBody_Is413AndExecutesNothing()
    {
        await using var scenario = await Scenario.StartAsync();
        var body = "{\"pad\":\"" + new string('x', 300 * 1024) + "\"}";

        using var response = await scenario.PostAlertmanagerAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, scenario.Applied);
        Assert.Empty(await scenario.AuditAsync());
    }

    [Fact]
    public async Task Post_HugeChunkedBody_Is413()
    {
        await using var scenario = await Scenario.StartAsync();
        var payload = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 300 * 1024) + "\"}");
        using var request = new HttpRequestMessage(HttpMethod.Post, scenario.Url("/webhooks/alertmanager"))
        {
            // A stream of unknown length is sent chunked, without Content-Length.
            Content = new StreamContent(new NonSeekableStream(payload)),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Scenario.Token);

        using var response = await scenario.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, scenario.Applied);
    }

    [Fact]
    public async Task Post_MissingLabels_Is422NamingThemAndExecutesNothing()
    {
        await using var scenario = await Scenario.StartAsync();
        var good = Payloads.Labels();
        var missing = Payloads.Labels(feature: null);
        missing.Remove("agent_id");
        var body = "{\"version\":\"4\",\"alerts\":["
            + AlertJson(good, "aaaa") + "," + AlertJson(missing, "bbbb") + "]}";

        using var response = await scenario.PostAlertmanagerAsync(body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var text = await Scenario.ErrorAsync(response);
        Assert.Contains("agent_id", text, StringComparison.Ordinal);
        Assert.Contains("feature", text, StringComparison.Ordinal);
        Assert.Equal(0, scenario.Applied);
        Assert.Equal([AuditKinds.Rejected], (await scenario.AuditAsync()).Select(static r => r.Kind).ToArray());
    }

    [Fact]
    public async Task Post_UnknownAgent_Is422AndExecutesNothing()
    {
        await using var scenario = await Scenario.StartAsync();

        using var response = await scenario.PostAlertmanagerAsync(
            Payloads.Alertmanager("firing", Payloads.Labels(agent: "never-seen"), "cccc", StartsAt));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("unknown agent 'never-seen'", await Scenario.ErrorAsync(response), StringComparison.Ordinal);
        Assert.Equal(0, scenario.Applied);
    }

    [Fact]
    public async Task Post_UnknownAgentWhileStateIsRestored_Is503WithRetryAfterThen422OnceRestored()
    {
        var restored = false;
        var catalog = new MonitorBaselineCatalog(new Core.Detection.DriftMonitor(), static _ => null, () => Volatile.Read(ref restored));
        await using var scenario = await Scenario.StartAsync(catalogOverride: catalog);

        using var early = await scenario.PostAlertmanagerAsync(
            Payloads.Alertmanager("firing", Payloads.Labels(agent: "never-seen"), "ffff", StartsAt));
        Volatile.Write(ref restored, true);
        using var late = await scenario.PostAlertmanagerAsync(
            Payloads.Alertmanager("firing", Payloads.Labels(agent: "never-seen"), "ffff", StartsAt));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), early.Headers.RetryAfter?.Delta);
        Assert.Contains("still being restored", await Scenario.ErrorAsync(early), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, late.StatusCode);
        Assert.Null(late.Headers.RetryAfter);
        Assert.Contains("unknown agent 'never-seen'", await Scenario.ErrorAsync(late), StringComparison.Ordinal);
        Assert.Equal(0, scenario.Applied);
    }

    [Fact]
    public async Task Post_AfterAbuse_ServerStillServesValidAlerts()
    {
        await using var scenario = await Scenario.StartAsync();
        using var bad1 = await scenario.PostAlertmanagerAsync("{{{{");
        using var bad2 = await scenario.PostAlertmanagerAsync("null");
        using var bad3 = await scenario.PostGrafanaAsync("\u0000\u0001");

        using var health = await scenario.Http.GetAsync(scenario.Url("/healthz"));
        using var good = await scenario.PostAlertmanagerAsync(Payloads.Alertmanager("firing", Payloads.Labels(), "dddd", StartsAt));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(1, scenario.Applied);
    }

    [Fact]
    public async Task Post_AlertmanagerWithoutToken_Is401AndChangesNothing()
    {
        await using var scenario = await Scenario.StartAsync();

        using var missing = await scenario.PostAlertmanagerAsync(Payloads.Alertmanager("firing", Payloads.Labels(), "eeee", StartsAt), token: null);
        using var wrong = await scenario.PostAlertmanagerAsync(Payloads.Alertmanager("firing", Payloads.Labels(), "eeee", StartsAt), token: "guess");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.DoesNotContain(Scenario.Token, await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, scenario.Applied);
        Assert.Empty(await scenario.AuditAsync());
    }

    [Fact]
    public async Task Post_AlertmanagerWithToken_Executes()
    {
        await using var scenario = await Scenario.StartAsync();

        using var response = await scenario.PostAlertmanagerAsync(Payloads.Alertmanager("firing", Payloads.Labels(), "ffff", StartsAt));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, scenario.Applied);
        var plan = (await scenario.AuditAsync()).Single(static r => r.Kind == AuditKinds.Plan).Command!;
        Assert.Equal("alertmanager", plan.Reason.Source);
        Assert.Equal("ffff", plan.Reason.Fingerprint);
    }

    [Fact]
    public async Task Get_HealthAndReadiness_AreOk()
    {
        await using var scenario = await Scenario.StartAsync();

        using var health = await scenario.Http.GetAsync(scenario.Url("/healthz"));
        using var ready = await scenario.Http.GetAsync(scenario.Url("/readyz"));
        using var badLimit = await scenario.GetAsync("/api/audit?limit=-3");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    private static string AlertJson(System.Text.Json.Nodes.JsonObject labels, string fingerprint) =>
        new System.Text.Json.Nodes.JsonObject
        {
            ["status"] = "firing",
            ["labels"] = labels,
            ["startsAt"] = StartsAt.ToString("O"),
            ["fingerprint"] = fingerprint,
        }.ToJsonString();

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
