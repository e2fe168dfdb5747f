using DriftWatch.Api.Webhooks;

namespace DriftWatch.Api.Tests;

public sealed class AlertPayloadParserTests
{
    private static readonly DateTimeOffset StartsAt = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryParse_InvalidUtf8_FailsWithReason()
    {
        var ok = AlertPayloadParser.TryParse(new byte[] { 0xFF, 0xFE, 0x7B }, AlertSource.Alertmanager, out var notification, out var error);

        Assert.False(ok);
        Assert.Null(notification);
        Assert.Contains("not valid JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_GrafanaDocumentedPayload_ReadsAlertFields()
    {
        var body = Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt);

        var ok = AlertPayloadParser.TryParse(System.Text.Encoding.UTF8.GetBytes(body), AlertSource.Grafana, out var notification, out var error);

        Assert.True(ok, error);
        var alert = Assert.Single(notification!.Alerts);
        Assert.True(alert.Firing);
        Assert.Equal("c6eadffa33fcdf37", alert.Fingerprint);
        Assert.Equal(StartsAt, alert.StartsAt);
        Assert.Equal(Scenario.AgentId, alert.Labels["agent_id"]);
        Assert.Equal("urgent tickets now go to the general queue", alert.Annotations["summary"]);
        Assert.Equal("driftwatch-rollback", notification.Receiver);
    }

    [Fact]
    public void TryParse_GrafanaPayloadOnAlertmanagerEndpoint_IsRefusedByVersion()
    {
        var body = Payloads.Grafana("firing", Payloads.Labels(), "c6eadffa33fcdf37", StartsAt);

        var ok = AlertPayloadParser.TryParse(System.Text.Encoding.UTF8.GetBytes(body), AlertSource.Alertmanager, out _, out var error);

        Assert.False(ok);
        Assert.Contains("version", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NoFingerprint_DerivesAStableOneFromLabels()
    {
        static string Body(string labels) =>
            "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":" + labels + ",\"startsAt\":\"2026-03-02T09:00:00Z\"}]}";

        AlertPayloadParser.TryParse(System.Text.Encoding.UTF8.GetBytes(Body("{\"a\":\"1\",\"b\":\"2\"}")), AlertSource.Alertmanager, out var first, out _);
        AlertPayloadParser.TryParse(System.Text.Encoding.UTF8.GetBytes(Body("{\"b\":\"2\",\"a\":\"1\"}")), AlertSource.Alertmanager, out var reordered, out _);
        AlertPayloadParser.TryParse(System.Text.Encoding.UTF8.GetBytes(Body("{\"a\":\"1\",\"b\":\"3\"}")), AlertSource.Alertmanager, out var other, out _);

        Assert.Equal(first!.Alerts[0].Fingerprint, reordered!.Alerts[0].Fingerprint);
        Assert.NotEqual(first.Alerts[0].Fingerprint, other!.Alerts[0].Fingerprint);
        Assert.Equal(16, first.Alerts[0].Fingerprint.Length);
    }

    [Fact]
    public void Key_SameInstantInDifferentOffsets_IsTheSame()
    {
        var labels = new Dictionary<string, string>();
        var utc = new ReceivedAlert(true, labels, labels, StartsAt, "f");
        var shifted = new ReceivedAlert(true, labels, labels, StartsAt.ToOffset(TimeSpan.FromHours(2)), "f");

        Assert.Equal(utc.Key, shifted.Key);
    }
}
