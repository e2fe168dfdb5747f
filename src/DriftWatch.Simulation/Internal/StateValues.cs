using System.Text.Json;

namespace DriftWatch.Simulation.Internal;

/// <summary>State keys and values. Background keys never overlap the causal keys, so ground truth stays unambiguous.</summary>
internal static class StateValues
{
    public static readonly string[] BackgroundKeys =
    [
        "memory/faq-cache", "policy/greeting", "tools/timeout", "memory/customer-notes", "prompt/signature", "tools/retry-limit",
    ];

    // Index-aligned with BackgroundKeys.
    private static readonly JsonElement[][] BackgroundValues =
    [
        [Json("""{"entries":1200,"refreshed":true}"""), Json("""{"entries":1350,"refreshed":true}"""), Json("""{"entries":980,"refreshed":false}""")],
        [Json("""{"text":"hi there"}"""), Json("""{"text":"hello"}"""), Json("""{"text":"thanks for reaching out"}""")],
        [Json("""{"lookup_order_ms":2000}"""), Json("""{"lookup_order_ms":2500}"""), Json("""{"create_ticket_ms":1500}""")],
        [Json("""{"notes":"prefers email"}"""), Json("""{"notes":"vip customer"}"""), Json("""{"notes":"asked for callback"}""")],
        [Json("""{"text":"the support team"}"""), Json("""{"text":"your support team"}"""), Json("""{"text":"customer care"}""")],
        [Json("""{"max_retries":2}"""), Json("""{"max_retries":3}"""), Json("""{"max_retries":1}""")],
    ];

    public static JsonElement BackgroundValue(int key, int choice) => BackgroundValues[key][choice % BackgroundValues[key].Length];

    public static JsonElement CausalValue(DriftScenario scenario) => scenario.Kind switch
    {
        DriftKind.Misrouting => Json($$"""{"rule":"{{scenario.Segment.Key}}-{{scenario.Segment.Value}}","route_to":"general","reason":"queue rebalancing"}"""),
        DriftKind.SentimentCollapse => Json("""{"tone":"terse","apologise":false}"""),
        DriftKind.NewReplyVocabulary => Json("""{"template":"reply-formal-v2"}"""),
        DriftKind.LatencyCreep => Json("""{"endpoint":"search-eu-2","timeout_ms":8000}"""),
        DriftKind.ConfidenceDrop => Json("""{"temperature":2.1}"""),
        _ => throw new InvalidOperationException($"Unknown drift kind {scenario.Kind}."),
    };

    private static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
