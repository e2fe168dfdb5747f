using System.Text.Json;

namespace DriftWatch.Core.Events;

/// <summary>Fields both contracts share and read the same way.</summary>
internal static class CommonFields
{
    internal static string? ReadTimestamp(ref Utf8JsonReader r, string path, out DateTimeOffset value)
    {
        value = default;
        if (r.TokenType != JsonTokenType.String)
        {
            return JsonFieldReader.Expected(ref r, path, "an RFC 3339 date-time string");
        }

        string? reason = null;
        if (!r.ValueIsEscaped)
        {
            if (Rfc3339.TryParse(r.ValueSpan, out value, out reason))
            {
                return null;
            }
        }
        else
        {
            // Escapes never make a timestamp shorter than its unescaped text, so this buffer always suffices
            // for anything that can be valid.
            Span<byte> buffer = stackalloc byte[Rfc3339.MaxLength];
            int length = r.ValueSpan.Length <= Rfc3339.MaxLength ? r.CopyString(buffer) : 0;
            if (length > 0 && Rfc3339.TryParse(buffer[..length], out value, out reason))
            {
                return null;
            }

            reason ??= "must be an RFC 3339 date-time with an offset or Z";
        }

        return $"{path}: {reason}, got {JsonFieldReader.Describe(ref r)}";
    }

    /// <summary>Reads <c>environment</c>; the common value is shared rather than allocated per event.</summary>
    internal static string? ReadEnvironment(ref Utf8JsonReader r, string path, out string? value)
    {
        if (r.TokenType == JsonTokenType.String && r.ValueTextEquals("production"u8))
        {
            value = DecisionEvent.DefaultEnvironment;
            return null;
        }

        string? error = JsonFieldReader.ReadPooledString(ref r, path, EventLimits.MaxIdentifierLength, allowEmpty: false, out string s);
        value = s;
        return error;
    }
}
