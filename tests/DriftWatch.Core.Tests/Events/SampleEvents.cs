using System.Text;
using System.Text.Json.Nodes;

namespace DriftWatch.Core.Tests.Events;

/// <summary>Contract examples (from the contract documentation) and helpers to derive broken variants.</summary>
internal static class SampleEvents
{
    internal const string FullDecision = """
        {
          "schema": "driftwatch.decision/v1",
          "event_id": "0b8e5f0e-4a3c-4c8e-9f7e-2f1a9c3d5e71",
          "agent_id": "support-router",
          "agent_version": "2026.02.1",
          "environment": "production",
          "timestamp": "2026-03-02T08:00:00.780Z",
          "decision": { "name": "route", "outcome": "billing", "confidence": 0.87 },
          "input":  { "text": "i was charged twice", "features": { "category": "invoice", "urgency": "high", "channel": "email" } },
          "output": { "text": "thanks for reaching out ...", "sentiment": 0.23 },
          "tool_calls": [ { "name": "lookup_order", "status": "ok", "latency_ms": 162.7 } ],
          "metrics": { "latency_ms": 581.4, "tokens_in": 80, "tokens_out": 166 },
          "labels":  { "model": "m-large", "prompt_version": "v12" },
          "state_version": "mem-000123"
        }
        """;

    internal const string MinimalDecision = """
        {"schema":"driftwatch.decision/v1","event_id":"e1","agent_id":"a1","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"billing"}}
        """;

    internal const string StateSet = """
        { "schema": "driftwatch.state/v1", "event_id": "s-1", "agent_id": "support-router", "environment": "staging",
          "timestamp": "2026-03-02T08:05:00.000Z", "key": "memory/tone-policy", "op": "set", "value": { "any": "json", "n": [1, 2] },
          "segment": { "urgency": "high" }, "state_version": "mem-000124" }
        """;

    internal const string StateDelete = """
        { "schema": "driftwatch.state/v1", "event_id": "s-2", "agent_id": "support-router",
          "timestamp": "2026-03-02T09:05:00+01:00", "key": "memory/tone-policy", "op": "delete" }
        """;

    internal static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    internal static JsonObject Node(string json) => JsonNode.Parse(json)!.AsObject();

    internal static byte[] Utf8(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    /// <summary>The full decision example with the value at <paramref name="path"/> replaced (dots and array indexes).</summary>
    internal static byte[] FullDecisionWith(string path, JsonNode? value)
    {
        JsonObject root = Node(FullDecision);
        Set(root, path, value);
        return Utf8(root);
    }

    /// <summary>The given example with the field at <paramref name="path"/> removed.</summary>
    internal static byte[] Without(string json, string path)
    {
        JsonObject root = Node(json);
        (JsonNode parent, string last) = Parent(root, path);
        parent.AsObject().Remove(last);
        return Utf8(root);
    }

    internal static void Set(JsonObject root, string path, JsonNode? value)
    {
        (JsonNode parent, string last) = Parent(root, path);
        if (parent is JsonArray array)
        {
            array[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            parent.AsObject()[last] = value;
        }
    }

    private static (JsonNode Parent, string Last) Parent(JsonObject root, string path)
    {
        string[] parts = path.Split('.');
        JsonNode node = root;
        foreach (string part in parts[..^1])
        {
            node = node is JsonArray array
                ? array[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)]!
                : node[part]!;
        }

        return (node, parts[^1]);
    }
}
