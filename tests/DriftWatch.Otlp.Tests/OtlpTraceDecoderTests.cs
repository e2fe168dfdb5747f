using DriftWatch.Otlp.Decoding;
using DriftWatch.Otlp.Mapping;
using DriftWatch.Otlp.Proto.Collector;
using Google.Protobuf;
using static DriftWatch.Otlp.Tests.Spans;

namespace DriftWatch.Otlp.Tests;

public sealed class OtlpTraceDecoderTests
{
    // The OTLP specification's JSON example shape: hex ids, lowerCamelCase, int64 as strings, enums as integers.
    private const string SpecStyleJson = """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"support-router"}}]},
          "scopeSpans":[{"scope":{"name":"my.library","version":"1.0.0"},
            "spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"EEE19B7EC3C1B173",
              "name":"route","startTimeUnixNano":"1772438400000000000","endTimeUnixNano":"1772438400500000000","kind":1,
              "attributes":[{"key":"driftwatch.decision.name","value":{"stringValue":"route"}},
                            {"key":"driftwatch.decision.outcome","value":{"stringValue":"billing"}},
                            {"key":"gen_ai.usage.input_tokens","value":{"intValue":"80"}},
                            {"key":"some.unknown","value":{"kvlistValue":{"values":[]}}}],
              "status":{"code":1},"futureField":{"x":1}}]}]}]}
        """;

    [Fact]
    public void TryDecode_SpecStyleJson_DecodesHexIdsAndStringInts()
    {
        string? error = OtlpTraceDecoder.TryDecode(System.Text.Encoding.UTF8.GetBytes(SpecStyleJson), OtlpEncoding.Json, out ExportTraceServiceRequest? request);

        Assert.Null(error);
        var e = Assert.Single(SpanDecisionMapper.Map(request!).Decisions).Event;
        Assert.Equal("eee19b7ec3c1b174", e.SpanId);
        Assert.Equal(TraceHex, e.TraceId);
        Assert.Equal(80, e.Metrics["tokens_in"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1772438400500), e.Timestamp);
    }

    [Fact]
    public void Format_ThenTryDecode_RoundTripsJson()
    {
        var request = Request(Decision("eee19b7ec3c1b174", "billing"), Tool("00000000000000e1", "eee19b7ec3c1b174", "lookup"));

        string json = OtlpJson.Format(request);
        string? error = OtlpTraceDecoder.TryDecode(System.Text.Encoding.UTF8.GetBytes(json), OtlpEncoding.Json, out ExportTraceServiceRequest? back);

        Assert.Contains("\"spanId\":\"eee19b7ec3c1b174\"", json, StringComparison.Ordinal);
        Assert.Null(error);
        Assert.Equal(request, back);
    }

    [Fact]
    public void TryDecode_TruncatedProtobuf_ReturnsReason()
    {
        byte[] bytes = Request(Decision("eee19b7ec3c1b174", "billing")).ToByteArray();

        string? error = OtlpTraceDecoder.TryDecode(bytes.AsSpan(0, bytes.Length - 7), OtlpEncoding.Protobuf, out _);

        Assert.StartsWith("protobuf: not a valid ExportTraceServiceRequest", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"resourceSpans\":[", "json: invalid JSON")]
    [InlineData("[1,2]", "json: expected an ExportTraceServiceRequest object")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"xyz!\"}]}]}]}", "json: spanId must be a hex string")]
    [InlineData("{\"resourceSpans\":\"nope\"}", "json: not a valid ExportTraceServiceRequest")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"-5\"}]}]}]}", "json: not a valid ExportTraceServiceRequest")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":99999999999}]}]}]}", "json: not a valid ExportTraceServiceRequest")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"attributes\":[{\"key\":\"k\",\"value\":{\"intValue\":\"1e999\"}}]}]}]}]}", "json: not a valid ExportTraceServiceRequest")]
    public void TryDecode_BadJson_ReturnsReason(string json, string expectedStart)
    {
        string? error = OtlpTraceDecoder.TryDecode(System.Text.Encoding.UTF8.GetBytes(json), OtlpEncoding.Json, out _);

        Assert.StartsWith(expectedStart, error, StringComparison.Ordinal);
    }
}
