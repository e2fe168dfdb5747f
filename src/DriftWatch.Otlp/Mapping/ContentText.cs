using System.Text;
using System.Text.Json;

namespace DriftWatch.Otlp.Mapping;

/// <summary>
/// Text from GenAI content-capture attributes (<c>gen_ai.input.messages</c>, <c>gen_ai.output.messages</c>):
/// JSON arrays of messages with typed parts. Only present when the instrumentation captures content.
/// </summary>
internal static class ContentText
{
    /// <summary>
    /// The text parts of the last message with <paramref name="role"/> (any role when null), joined by
    /// newlines; null when the value is not such JSON. Malformed content is not a reason to reject a decision.
    /// </summary>
    public static string? FromMessages(string json, string? role)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            string? found = null;
            foreach (JsonElement message in doc.RootElement.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (role is not null && (!message.TryGetProperty("role", out JsonElement r) || !r.ValueEquals(role)))
                {
                    continue;
                }

                found = TextParts(message) ?? found;
            }

            return found is null ? null : Truncate(found, Core.Events.EventLimits.MaxTextLength);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Cuts at a character limit without splitting a surrogate pair.</summary>
    public static string Truncate(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        int cut = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        return text[..cut];
    }

    private static string? TextParts(JsonElement message)
    {
        if (!message.TryGetProperty("parts", out JsonElement parts) || parts.ValueKind != JsonValueKind.Array)
        {
            return message.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String
                ? content.GetString()
                : null;
        }

        StringBuilder? text = null;
        foreach (JsonElement part in parts.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object
                && part.TryGetProperty("type", out JsonElement type) && type.ValueEquals("text")
                && part.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String)
            {
                text = text is null ? new StringBuilder() : text.Append('\n');
                text.Append(content.GetString());
            }
        }

        return text?.ToString();
    }
}
