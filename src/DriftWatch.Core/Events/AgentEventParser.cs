using System.Globalization;
using System.Text.Json;

namespace DriftWatch.Core.Events;

/// <summary>
/// Parses and validates <c>driftwatch.decision/v1</c> and <c>driftwatch.state/v1</c> messages.
/// </summary>
/// <remarks>
/// One forward pass with <see cref="Utf8JsonReader"/> over the message bytes: no DOM, and the only
/// allocations are the event and its strings and collections. Known fields may appear in any order;
/// a known field given twice is rejected (rather than last-wins) so that no two consumers can disagree
/// about what a message said. Unknown fields, nested ones included, are skipped. Optional fields set to
/// <c>null</c> count as absent. See docs/contracts.md for every rule and limit.
/// </remarks>
public static class AgentEventParser
{
    /// <summary>Largest message accepted, in bytes (1 MiB).</summary>
    public const int MaxMessageBytes = EventLimits.MaxMessageBytes;

    /// <summary>Parses one UTF-8 JSON message. Never throws for bad input: the reason is in the result.</summary>
    public static ParseResult Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxMessageBytes)
        {
            return ParseResult.Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"message: {utf8Json.Length} bytes exceeds the {MaxMessageBytes}-byte limit"));
        }

        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            if (!reader.Read())
            {
                return ParseResult.Fail("message: empty; expected a JSON object");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return ParseResult.Fail(JsonFieldReader.Expected(ref reader, "message", "a JSON object"));
            }

            // The schema decides which fields are known, so find it first. Producers write it first, so this
            // look-ahead usually reads one property; a copy of the reader keeps the main pass at the start.
            var lookAhead = reader;
            string? error = FindKind(ref lookAhead, out AgentEventKind kind);
            if (error is not null)
            {
                return ParseResult.Fail(error);
            }

            ParseResult result;
            if (kind == AgentEventKind.Decision)
            {
                error = DecisionEventReader.Read(ref reader, out DecisionEvent? decision);
                result = error is null ? ParseResult.Ok(decision!) : ParseResult.Fail(error);
            }
            else
            {
                error = StateEventReader.Read(ref reader, out StateEvent? state);
                result = error is null ? ParseResult.Ok(state!) : ParseResult.Fail(error);
            }

            // Anything but whitespace after the object makes Read throw, which reports it as invalid JSON.
            if (result.IsValid && reader.Read())
            {
                return ParseResult.Fail("json: unexpected data after the JSON object");
            }

            return result;
        }
        catch (JsonException ex)
        {
            return ParseResult.Fail(DescribeInvalidJson(utf8Json, ex));
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader validates UTF-8 and surrogate escapes in strings only when they are decoded.
            return ParseResult.Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"json: invalid string at byte {reader.TokenStartIndex} ({ex.Message.TrimEnd('.')})"));
        }
    }

    private static string? FindKind(ref Utf8JsonReader r, out AgentEventKind kind)
    {
        kind = AgentEventKind.Invalid;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (!r.ValueTextEquals("schema"u8))
            {
                r.Skip();
                continue;
            }

            r.Read();
            if (r.TokenType == JsonTokenType.String)
            {
                if (r.ValueTextEquals("driftwatch.decision/v1"u8))
                {
                    kind = AgentEventKind.Decision;
                    return null;
                }

                if (r.ValueTextEquals("driftwatch.state/v1"u8))
                {
                    kind = AgentEventKind.State;
                    return null;
                }

                return $"schema: unknown schema {JsonFieldReader.Describe(ref r)}; expected \"{DecisionEvent.SchemaId}\" or \"{StateEvent.SchemaId}\"";
            }

            return JsonFieldReader.Expected(ref r, "schema", $"\"{DecisionEvent.SchemaId}\" or \"{StateEvent.SchemaId}\"");
        }

        return JsonFieldReader.Missing("schema");
    }

    private static string DescribeInvalidJson(ReadOnlySpan<byte> utf8Json, JsonException ex)
    {
        // The reader reports line and byte-in-line; producers mostly send one-line messages, but a byte
        // offset into the message is what someone inspecting the dead-letter record can use directly.
        string detail = ex.Message;
        int cut = detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            detail = detail[..cut];
        }

        detail = detail.TrimEnd().TrimEnd('.');
        if (ex.LineNumber is not long line || ex.BytePositionInLine is not long inLine)
        {
            return $"json: invalid JSON ({detail})";
        }

        long offset = inLine;
        int lineStart = 0;
        for (long l = 0; l < line; l++)
        {
            int next = utf8Json[lineStart..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }

            lineStart += next + 1;
        }

        offset += lineStart;
        return string.Create(CultureInfo.InvariantCulture, $"json: invalid JSON at byte {offset} ({detail})");
    }
}
