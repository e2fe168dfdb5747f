using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace DriftWatch.Api.Tests;

/// <summary>Webhook bodies in the documented Grafana (version "1") and Alertmanager (version "4") formats.</summary>
internal static class Payloads
{
    public const string Feature = "decision.outcome|input.features.urgency=high";

    public static JsonObject Labels(string agent = Scenario.AgentId, string? feature = Feature, string environment = "production")
    {
        var labels = new JsonObject
        {
            ["alertname"] = "DriftWatchDrift",
            ["agent_id"] = agent,
            ["environment"] = environment,
            ["decision"] = "route",
            ["detector"] = "chi2",
        };
        if (feature is not null)
        {
            labels["feature"] = feature;
        }

        return labels;
    }

    public static string Grafana(string status, JsonObject labels, string fingerprint, DateTimeOffset startsAt)
    {
        var alert = new JsonObject
        {
            ["status"] = status,
            ["labels"] = labels,
            ["annotations"] = new JsonObject { ["summary"] = "urgent tickets now go to the general queue" },
            ["startsAt"] = startsAt.ToString("O"),
            ["endsAt"] = status == "resolved" ? startsAt.AddMinutes(5).ToString("O") : "0001-01-01T00:00:00Z",
            ["generatorURL"] = "https://grafana.example/alerting/grafana/drift/view",
            ["fingerprint"] = fingerprint,
            ["silenceURL"] = "https://grafana.example/alerting/silence/new",
            ["dashboardURL"] = "",
            ["panelURL"] = "",
            ["values"] = new JsonObject { ["B"] = 41.2, ["C"] = 1 },
        };
        return new JsonObject
        {
            ["receiver"] = "driftwatch-rollback",
            ["status"] = status,
            ["orgId"] = 1,
            ["alerts"] = new JsonArray(alert),
            ["groupLabels"] = new JsonObject { ["alertname"] = "DriftWatchDrift" },
            ["commonLabels"] = labels.DeepClone(),
            ["commonAnnotations"] = new JsonObject(),
            ["externalURL"] = "https://grafana.example/",
            ["version"] = "1",
            ["groupKey"] = "{}:{alertname=\"DriftWatchDrift\"}",
            ["truncatedAlerts"] = 0,
            ["title"] = $"[{status.ToUpperInvariant()}:1] DriftWatchDrift",
            ["state"] = status == "firing" ? "alerting" : "ok",
            ["message"] = "**Firing**\n\nLabels:\n - alertname = DriftWatchDrift\n",
        }.ToJsonString();
    }

    public static string Alertmanager(string status, JsonObject labels, string fingerprint, DateTimeOffset startsAt) => new JsonObject
    {
        ["receiver"] = "driftwatch",
        ["status"] = status,
        ["alerts"] = new JsonArray(new JsonObject
        {
            ["status"] = status,
            ["labels"] = labels,
            ["annotations"] = new JsonObject { ["summary"] = "drift" },
            ["startsAt"] = startsAt.ToString("O"),
            ["endsAt"] = "0001-01-01T00:00:00Z",
            ["generatorURL"] = "http://prometheus.example:9090/graph",
            ["fingerprint"] = fingerprint,
        }),
        ["groupLabels"] = new JsonObject { ["alertname"] = "DriftWatchDrift" },
        ["commonLabels"] = labels.DeepClone(),
        ["commonAnnotations"] = new JsonObject(),
        ["externalURL"] = "http://alertmanager.example:9093",
        ["version"] = "4",
        ["groupKey"] = "{}:{alertname=\"DriftWatchDrift\"}",
        ["truncatedAlerts"] = 0,
    }.ToJsonString();

    /// <summary>Grafana's signature: hex HMAC-SHA256 of "timestamp:body" (or of the body without a timestamp).</summary>
    public static string Sign(string secret, string body, long? unixSeconds)
    {
        var signed = unixSeconds is { } ts ? $"{ts}:{body}" : body;
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed)));
    }
}
