using System.Text;
using BenchmarkDotNet.Attributes;
using DriftWatch.Core.Events;
using DriftWatch.Otlp.Decoding;
using DriftWatch.Otlp.Mapping;
using DriftWatch.Otlp.Proto.Collector;
using Google.Protobuf;

namespace DriftWatch.Benchmarks;

/// <summary>
/// OTLP ingest cost per decision, against the baseline of parsing the same decision as contract JSON: 100
/// decisions (the ParserBenchmarks event: five features, two tool calls, texts, metrics, labels) as one OTLP
/// export request of 300 spans (each decision span with its two execute_tool child spans), decoded and mapped
/// (ids to hex, attributes to fields, tool spans joined). Every figure is per decision (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class OtlpIngestBenchmarks
{
    private const int Decisions = 100;
    private byte[][] _json = [];
    private byte[] _protobuf = [];
    private byte[] _otlpJson = [];

    [GlobalSetup]
    public void Setup()
    {
        var template = new DecisionEvent
        {
            EventId = "0b8e5f0e-4a3c-4c8e-9f7e-2f1a9c3d5e71",
            AgentId = "support-router",
            AgentVersion = "2026.02.1",
            Timestamp = new DateTimeOffset(2026, 3, 2, 8, 0, 0, 780, TimeSpan.Zero),
            DecisionName = "route",
            Outcome = "billing",
            Confidence = 0.87,
            InputText = "i was charged twice for my subscription this month, please refund one of the payments",
            InputFeatures = new Dictionary<string, string> { ["category"] = "invoice", ["urgency"] = "high", ["channel"] = "email", ["language"] = "en", ["tier"] = "pro" },
            OutputText = "thanks for reaching out, I have routed your request to our billing team who will refund the duplicate charge",
            Sentiment = 0.23,
            ToolCalls = [new ToolCall("lookup_order", "ok", 162.7), new ToolCall("check_payments", "ok", 88.1)],
            Metrics = new Dictionary<string, double> { ["latency_ms"] = 581.4, ["tokens_in"] = 80, ["tokens_out"] = 166 },
            Labels = new Dictionary<string, string> { ["model"] = "m-large", ["prompt_version"] = "v12" },
            StateVersion = "mem-000123",
        };
        var events = Enumerable.Range(0, Decisions).Select(i => template with { EventId = $"0b8e5f0e-4a3c-4c8e-9f7e-{i:D12}", Timestamp = template.Timestamp.AddSeconds(i) }).ToList();
        _json = events.Select(AgentEventWriter.ToUtf8Bytes).ToArray();
        ExportTraceServiceRequest request = DecisionSpanEncoder.ToRequest(events);
        _protobuf = request.ToByteArray();
        _otlpJson = Encoding.UTF8.GetBytes(OtlpJson.Format(request));
        if (DecodeAndMap(_protobuf, OtlpEncoding.Protobuf) != Decisions || DecodeAndMap(_otlpJson, OtlpEncoding.Json) != Decisions)
        {
            throw new InvalidOperationException("The OTLP request does not map to the expected decisions.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Decisions)]
    public int DecisionJsonParse()
    {
        int valid = 0;
        foreach (byte[] message in _json)
        {
            valid += AgentEventParser.Parse(message).IsValid ? 1 : 0;
        }

        return valid;
    }

    [Benchmark(OperationsPerInvoke = Decisions)]
    public int OtlpProtobufDecodeAndMap() => DecodeAndMap(_protobuf, OtlpEncoding.Protobuf);

    [Benchmark(OperationsPerInvoke = Decisions)]
    public int OtlpJsonDecodeAndMap() => DecodeAndMap(_otlpJson, OtlpEncoding.Json);

    private static int DecodeAndMap(byte[] payload, OtlpEncoding encoding)
    {
        OtlpTraceDecoder.TryDecode(payload, encoding, out ExportTraceServiceRequest? request);
        MappedSpans mapped = SpanDecisionMapper.Map(request!);
        var joiner = new ToolCallJoiner(TimeSpan.Zero, TimeSpan.Zero, Decisions * 3);
        joiner.Add(mapped, mapped.LatestEnd);
        return joiner.TakeAll().Count;
    }
}
