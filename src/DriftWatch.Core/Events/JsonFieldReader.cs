using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace DriftWatch.Core.Events;

/// <summary>
/// Field-level reading and validation shared by the event readers. Each method expects the reader on the
/// field's value token, leaves it on the value's last token, and returns null on success or the error
/// message, which starts with the field's path. Errors are values rather than exceptions so that a flood
/// of bad messages costs no more than good ones.
/// </summary>
internal static class JsonFieldReader
{
    private const int MaxShownChars = 64;

    internal static string Missing(FieldPath path) => $"{path}: missing required field";

    internal static string Duplicate(FieldPath path) => $"{path}: duplicate field";

    internal static string Expected(ref Utf8JsonReader r, FieldPath path, string expectation) =>
        $"{path}: must be {expectation}, got {Describe(ref r)}";

    /// <summary>Reads a string; identifiers and names are non-empty, free text may be empty.</summary>
    internal static string? ReadString(ref Utf8JsonReader r, FieldPath path, int maxLength, bool allowEmpty, out string value)
    {
        value = string.Empty;
        if (r.TokenType != JsonTokenType.String)
        {
            return Expected(ref r, path, "a string");
        }

        value = r.GetString()!;
        return CheckLength(value, path, maxLength, allowEmpty);
    }

    /// <summary>
    /// <see cref="ReadString"/> for values that repeat from event to event (names, categorical values):
    /// the string comes from <see cref="Utf8StringPool"/> when the value has no escapes.
    /// </summary>
    internal static string? ReadPooledString(ref Utf8JsonReader r, FieldPath path, int maxLength, bool allowEmpty, out string value)
    {
        if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || r.HasValueSequence)
        {
            return ReadString(ref r, path, maxLength, allowEmpty, out value);
        }

        // The reader validates UTF-8 only when it decodes; pooled bytes must be valid before they are shared.
        ReadOnlySpan<byte> utf8 = r.ValueSpan;
        if (!Utf8.IsValid(utf8))
        {
            return ReadString(ref r, path, maxLength, allowEmpty, out value);
        }

        value = Utf8StringPool.Get(utf8);
        return CheckLength(value, path, maxLength, allowEmpty);
    }

    /// <summary>Reads a number within [min, max]; <paramref name="expectation"/> words the rule for the error.</summary>
    internal static string? ReadNumber(ref Utf8JsonReader r, FieldPath path, double min, double max, string expectation, out double value)
    {
        value = 0;
        if (r.TokenType != JsonTokenType.Number || !r.TryGetDouble(out value) || !double.IsFinite(value) ||
            value < min || value > max)
        {
            return Expected(ref r, path, expectation);
        }

        return null;
    }

    /// <summary>Reads an object whose values are categorical strings (features, labels, segment).</summary>
    internal static string? ReadStringMap(ref Utf8JsonReader r, string path, out IReadOnlyDictionary<string, string> map)
    {
        map = DecisionEvent.EmptyStrings;
        if (r.TokenType != JsonTokenType.StartObject)
        {
            return Expected(ref r, path, "an object with string values");
        }

        FieldMap<string>? entries = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string? error = ReadMapKey(ref r, path, entries?.Count ?? 0, out string key);
            if (error is not null)
            {
                return error;
            }

            r.Read();
            error = ReadPooledString(ref r, new FieldPath(path).Child(key), EventLimits.MaxIdentifierLength, allowEmpty: true, out string value);
            if (error is not null)
            {
                return error;
            }

            entries ??= new();
            if (!entries.TryAdd(key, value))
            {
                return $"{path}.{key}: duplicate key";
            }
        }

        if (entries is not null)
        {
            map = entries;
        }

        return null;
    }

    /// <summary>
    /// Reads <c>metrics</c>: finite numbers; latency and token counts cannot be negative.
    /// </summary>
    internal static string? ReadMetrics(ref Utf8JsonReader r, string path, out IReadOnlyDictionary<string, double> map)
    {
        map = DecisionEvent.EmptyNumbers;
        if (r.TokenType != JsonTokenType.StartObject)
        {
            return Expected(ref r, path, "an object with number values");
        }

        FieldMap<double>? entries = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            string? error = ReadMapKey(ref r, path, entries?.Count ?? 0, out string key);
            if (error is not null)
            {
                return error;
            }

            r.Read();
            bool nonNegative = IsNonNegativeMetric(key);
            error = ReadNumber(
                ref r,
                new FieldPath(path).Child(key),
                nonNegative ? 0 : double.MinValue,
                double.MaxValue,
                nonNegative ? "a finite number >= 0" : "a finite number",
                out double value);
            if (error is not null)
            {
                return error;
            }

            entries ??= new();
            if (!entries.TryAdd(key, value))
            {
                return $"{path}.{key}: duplicate key";
            }
        }

        if (entries is not null)
        {
            map = entries;
        }

        return null;
    }

    /// <summary>Metrics whose negative values can only be a producer bug.</summary>
    internal static bool IsNonNegativeMetric(string key) => key is "latency_ms" or "tokens_in" or "tokens_out";

    /// <summary>A short rendering of the current value for error messages.</summary>
    internal static string Describe(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.String => "string \"" + Shorten(r.GetString()!) + "\"",
        JsonTokenType.Number => Shorten(Encoding.UTF8.GetString(r.ValueSpan)),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => r.TokenType.ToString(),
    };

    private static string? ReadMapKey(ref Utf8JsonReader r, string path, int count, out string key)
    {
        key = !r.ValueIsEscaped && !r.HasValueSequence && Utf8.IsValid(r.ValueSpan) ? Utf8StringPool.Get(r.ValueSpan) : r.GetString()!;
        if (count >= EventLimits.MaxMapEntries)
        {
            return $"{path}: must have at most {EventLimits.MaxMapEntries} entries";
        }

        return CheckLength(key, path, EventLimits.MaxIdentifierLength, allowEmpty: false) is null
            ? null
            : $"{path}: keys must be 1 to {EventLimits.MaxIdentifierLength} characters, got \"{Shorten(key)}\"";
    }

    private static string? CheckLength(string value, FieldPath path, int maxLength, bool allowEmpty)
    {
        if (value.Length == 0 && !allowEmpty)
        {
            return $"{path}: must not be empty";
        }

        // JSON Schema's maxLength counts code points; UTF-16 length is an upper bound, so count only when needed.
        if (value.Length > maxLength)
        {
            int codePoints = CodePoints(value);
            if (codePoints > maxLength)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{path}: must be at most {maxLength} characters, got {codePoints}");
            }
        }

        return null;
    }

    private static int CodePoints(string value)
    {
        int lowSurrogates = 0;
        foreach (char c in value)
        {
            if (char.IsLowSurrogate(c))
            {
                lowSurrogates++;
            }
        }

        return value.Length - lowSurrogates;
    }

    private static string Shorten(string s) => s.Length <= MaxShownChars ? s : string.Concat(s.AsSpan(0, MaxShownChars), "...");
}
