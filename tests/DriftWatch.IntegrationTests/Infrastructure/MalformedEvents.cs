using System.Text;

namespace DriftWatch.IntegrationTests.Infrastructure;

/// <summary>Forty different ways a message can fail to be an event: broken JSON, wrong shapes, bad values.</summary>
internal static class MalformedEvents
{
    private const string Head = """{"schema":"driftwatch.decision/v1","event_id":"bad","agent_id":"a","timestamp":"2026-03-02T08:00:00Z",""";

    internal static IReadOnlyList<byte[]> All { get; } = Build();

    private static List<byte[]> Build()
    {
        var texts = new List<string>
        {
            "",
            " ",
            "null",
            "42",
            "\"a string\"",
            "[]",
            "[{\"schema\":\"driftwatch.decision/v1\"}]",
            "{",
            "{}",
            "{\"schema\":\"driftwatch.decision/v1\"",
            "{\"schema\":\"driftwatch.decision/v1\",}",
            "{'schema':'driftwatch.decision/v1'}",
            "{\"schema\":\"driftwatch.decision/v2\",\"event_id\":\"x\"}",
            "{\"schema\":7}",
            "{\"event_id\":\"x\",\"agent_id\":\"a\"}",
            """{"schema":"driftwatch.decision/v1","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"b"}}""",
            """{"schema":"driftwatch.decision/v1","event_id":"x","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"b"}}""",
            """{"schema":"driftwatch.decision/v1","event_id":"x","agent_id":"a","decision":{"name":"route","outcome":"b"}}""",
            """{"schema":"driftwatch.decision/v1","event_id":"x","agent_id":"a","timestamp":"2026-03-02T08:00:00Z"}""",
            Head + "\"decision\":{\"outcome\":\"b\"}}",
            Head + "\"decision\":{\"name\":\"route\"}}",
            Head + "\"decision\":\"route\"}",
            Head + "\"decision\":{\"name\":\"route\",\"outcome\":\"b\",\"confidence\":1.7}}",
            Head + "\"decision\":{\"name\":\"route\",\"outcome\":\"b\",\"confidence\":-0.1}}",
            Head + "\"decision\":{\"name\":\"route\",\"outcome\":\"b\",\"confidence\":\"high\"}}",
            Head + "\"decision\":{\"name\":\"route\",\"outcome\":\"b\"},\"output\":{\"sentiment\":2}}",
            Head + "\"decision\":{\"name\":\"route\",\"outcome\":\"b\"},\"input\":{\"features\":{\"k\":1}}}",
            Head + "\"decision\":{\"name\":\"route\",\"outcome\":\"b\"},\"metrics\":{\"latency_ms\":\"fast\"}}",
            Head + "\"decision\":{\"name\":\"route\",\"outcome\":\"b\"},\"tool_calls\":{\"name\":\"t\"}}",
            Head + "\"decision\":{\"name\":\"route\",\"outcome\":\"b\"},\"labels\":[\"a\"]}",
            """{"schema":"driftwatch.decision/v1","event_id":"x","agent_id":"a","timestamp":"yesterday","decision":{"name":"route","outcome":"b"}}""",
            """{"schema":"driftwatch.decision/v1","event_id":"x","agent_id":"a","timestamp":12345,"decision":{"name":"route","outcome":"b"}}""",
            """{"schema":"driftwatch.decision/v1","event_id":"x","event_id":"y","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"b"}}""",
            """{"schema":"driftwatch.decision/v1","event_id":"","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"b"}}""",
            """{"schema":"driftwatch.decision/v1","event_id":"x","agent_id":"","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"b"}}""",
            """{"schema":"driftwatch.decision/v1","event_id":"x","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"b"}} trailing""",
            """{"schema":"driftwatch.state/v1","event_id":"s","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","key":"k","op":"explode"}""",
            """{"schema":"driftwatch.state/v1","event_id":"s","agent_id":"a","timestamp":"2026-03-02T08:00:00Z","op":"set"}""",
        };
        var bytes = texts.Select(Encoding.UTF8.GetBytes).ToList();
        bytes.Add([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"schema":"driftwatch.decision/v1"}""")]);
        bytes.Add([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]);
        return bytes;
    }
}
