using System.Text.Json;
using System.Text.Json.Nodes;
using DriftWatch.Otlp.Proto.Collector;
using Google.Protobuf;

namespace DriftWatch.Otlp.Decoding;

/// <summary>
/// OTLP JSON (the OTLP specification's JSON mapping): the proto3 JSON mapping except that trace and span ids
/// are hex strings rather than base64, enums are integers, and unknown fields are ignored. Google.Protobuf's
/// JSON parser does everything but the ids, so the ids are rewritten to base64 first.
/// </summary>
internal static class OtlpJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    // OTLP JSON says enums MUST be integers.
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    public static string? TryParse(ReadOnlySpan<byte> utf8Json, out ExportTraceServiceRequest? request)
    {
        request = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8Json, NodeOptions, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            return $"json: invalid JSON ({FirstSentence(ex.Message)})";
        }

        if (root is not JsonObject obj)
        {
            return "json: expected an ExportTraceServiceRequest object";
        }

        string? error = RewriteIds(obj);
        if (error is not null)
        {
            return error;
        }

        try
        {
            request = Parser.Parse<ExportTraceServiceRequest>(obj.ToJsonString());
            return null;
        }
        catch (InvalidProtocolBufferException ex)
        {
            return $"json: not a valid ExportTraceServiceRequest ({FirstSentence(ex.Message)})";
        }
        catch (InvalidJsonException ex)
        {
            return $"json: not a valid ExportTraceServiceRequest ({FirstSentence(ex.Message)})";
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or InvalidOperationException)
        {
            // Google.Protobuf's JSON parser reports some malformed values (numbers out of range, bad base64)
            // with these; whatever the sender wrote, it is a 400 or a dead letter, never a crash.
            return $"json: not a valid ExportTraceServiceRequest ({FirstSentence(ex.Message)})";
        }
    }

    /// <summary>Writes a request as OTLP JSON (hex ids), e.g. a Collector file-exporter line.</summary>
    public static string Format(ExportTraceServiceRequest request)
    {
        string protoJson = Formatter.Format(request);
        var root = JsonNode.Parse(protoJson)!.AsObject();
        foreach (JsonObject span in Spans(root))
        {
            foreach (string name in IdFields)
            {
                if (span[name] is JsonValue value && value.TryGetValue(out string? base64))
                {
                    span[name] = Convert.ToHexStringLower(Convert.FromBase64String(base64));
                }
            }
        }

        return root.ToJsonString();
    }

    private static readonly string[] IdFields = ["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"];

    private static string? RewriteIds(JsonObject root)
    {
        foreach (JsonObject holder in Spans(root))
        {
            foreach (string name in IdFields)
            {
                if (holder[name] is not JsonValue value || !value.TryGetValue(out string? hex))
                {
                    continue;
                }

                if (hex.Length % 2 != 0 || !IsHex(hex))
                {
                    return $"json: {name} must be a hex string, got \"{(hex.Length > 40 ? hex[..40] + "..." : hex)}\"";
                }

                holder[name] = Convert.ToBase64String(Convert.FromHexString(hex));
            }
        }

        return null;
    }

    /// <summary>Every span and span link object, the only places OTLP traces carry ids.</summary>
    private static IEnumerable<JsonObject> Spans(JsonObject root)
    {
        foreach (JsonObject resourceSpans in Objects(root, "resourceSpans", "resource_spans"))
        {
            foreach (JsonObject scopeSpans in Objects(resourceSpans, "scopeSpans", "scope_spans"))
            {
                foreach (JsonObject span in Objects(scopeSpans, "spans", "spans"))
                {
                    yield return span;
                    foreach (JsonObject link in Objects(span, "links", "links"))
                    {
                        yield return link;
                    }
                }
            }
        }
    }

    private static IEnumerable<JsonObject> Objects(JsonObject parent, string name, string altName)
    {
        JsonNode? node = parent[name] ?? parent[altName];
        if (node is not JsonArray array)
        {
            yield break;
        }

        foreach (JsonNode? item in array)
        {
            if (item is JsonObject obj)
            {
                yield return obj;
            }
        }
    }

    private static bool IsHex(string s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd().TrimEnd('.');
    }
}
