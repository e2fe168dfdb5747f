using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using DriftWatch.Core.Events;

namespace DriftWatch.Benchmarks;

/// <summary>
/// Parsing one realistic decision event (about 700 bytes, the contract's full example), against building
/// a JsonDocument from the same bytes: the cost of the DOM alone, before any validation or mapping.
/// Events per second = 1e9 / Mean (ns).
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private readonly byte[] _message = Encoding.UTF8.GetBytes("""
        {"schema":"driftwatch.decision/v1","event_id":"0b8e5f0e-4a3c-4c8e-9f7e-2f1a9c3d5e71","agent_id":"support-router",
         "agent_version":"2026.02.1","environment":"production","timestamp":"2026-03-02T08:00:00.780Z",
         "decision":{"name":"route","outcome":"billing","confidence":0.87},
         "input":{"text":"i was charged twice for my subscription this month, please refund one of the payments",
                  "features":{"category":"invoice","urgency":"high","channel":"email","language":"en","tier":"pro"}},
         "output":{"text":"thanks for reaching out, I have routed your request to our billing team who will refund the duplicate charge","sentiment":0.23},
         "tool_calls":[{"name":"lookup_order","status":"ok","latency_ms":162.7},{"name":"check_payments","status":"ok","latency_ms":88.1}],
         "metrics":{"latency_ms":581.4,"tokens_in":80,"tokens_out":166},
         "labels":{"model":"m-large","prompt_version":"v12"},"state_version":"mem-000123"}
        """);

    [GlobalSetup]
    public void Setup()
    {
        if (!AgentEventParser.Parse(_message).IsValid)
        {
            throw new InvalidOperationException("Benchmark message is not a valid event.");
        }
    }

    [Benchmark(Baseline = true)]
    public JsonValueKind JsonDocumentParse()
    {
        using JsonDocument doc = JsonDocument.Parse(_message);
        return doc.RootElement.ValueKind;
    }

    [Benchmark]
    public ParseResult AgentEventParserParse() => AgentEventParser.Parse(_message);
}
