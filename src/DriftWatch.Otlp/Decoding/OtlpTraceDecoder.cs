using DriftWatch.Otlp.Proto.Collector;
using Google.Protobuf;

namespace DriftWatch.Otlp.Decoding;

/// <summary>OTLP payload encodings DriftWatch reads.</summary>
public enum OtlpEncoding
{
    /// <summary>Binary protobuf (<c>application/x-protobuf</c>, kafkaexporter <c>otlp_proto</c>).</summary>
    Protobuf,

    /// <summary>OTLP JSON (<c>application/json</c>, kafkaexporter <c>otlp_json</c>, file exporter lines).</summary>
    Json,
}

/// <summary>
/// Decodes one OTLP trace export (an <c>ExportTraceServiceRequest</c>, which the Collector's <c>TracesData</c>
/// equals on the wire) from protobuf or OTLP JSON. Never throws for bad input: the reason is returned.
/// </summary>
internal static class OtlpTraceDecoder
{
    // Nesting in OTLP is shallow (request > resource > scope > span > attribute > value); a deep message
    // is an attack, and the default limit of 100 already stops stack exhaustion.
    private static readonly MessageParser<ExportTraceServiceRequest> Parser = ExportTraceServiceRequest.Parser;

    public static string? TryDecode(ReadOnlySpan<byte> payload, OtlpEncoding encoding, out ExportTraceServiceRequest? request) =>
        encoding == OtlpEncoding.Protobuf ? TryDecodeProtobuf(payload, out request) : OtlpJson.TryParse(payload, out request);

    public static string? TryDecodeProtobuf(ReadOnlySpan<byte> payload, out ExportTraceServiceRequest? request)
    {
        request = null;
        try
        {
            request = Parser.ParseFrom(payload);
            return null;
        }
        catch (InvalidProtocolBufferException ex)
        {
            return $"protobuf: not a valid ExportTraceServiceRequest ({ex.Message.TrimEnd('.')})";
        }
    }
}
