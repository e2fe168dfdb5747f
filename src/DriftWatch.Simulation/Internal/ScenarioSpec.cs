using System.Globalization;

namespace DriftWatch.Simulation.Internal;

/// <summary>The text form of <see cref="DriftScenario"/>, kept apart so the record stays readable.</summary>
internal static class ScenarioSpec
{
    private static readonly (string Name, DriftKind Kind)[] Kinds =
    [
        ("misrouting", DriftKind.Misrouting),
        ("sentiment-collapse", DriftKind.SentimentCollapse),
        ("new-reply-vocabulary", DriftKind.NewReplyVocabulary),
        ("latency-creep", DriftKind.LatencyCreep),
        ("confidence-drop", DriftKind.ConfidenceDrop),
    ];

    private const string Keys = "agent, onset, mode, ramp, segment";

    public static string KindName(DriftKind kind)
    {
        foreach (var (name, k) in Kinds)
        {
            if (k == kind)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown drift kind.");
    }

    public static DriftScenario Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = spec.Trim();
        if (text.Length == 0)
        {
            throw new FormatException("Drift scenario spec is empty; expected kind[:key=value,...], e.g. latency-creep:onset=0.5.");
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kindText = (colon < 0 ? text : text[..colon]).Trim();
        var scenario = new DriftScenario(ParseKind(kindText, spec));
        if (colon < 0)
        {
            return scenario;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rawPart in text[(colon + 1)..].Split(','))
        {
            var part = rawPart.Trim();
            if (part.Length == 0)
            {
                throw Fail(spec, "has an empty setting (stray comma?)");
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Fail(spec, $"setting '{part}' is not key=value");
            }

            var key = part[..eq].Trim().ToLowerInvariant();
            var value = part[(eq + 1)..].Trim();
            if (!seen.Add(key))
            {
                throw Fail(spec, $"sets '{key}' twice");
            }

            scenario = key switch
            {
                "agent" => scenario with { Agent = value.Length > 0 ? value : throw Fail(spec, "agent is empty") },
                "onset" => scenario with { Onset = ParseOnset(value, spec) },
                "mode" => scenario with { Mode = ParseMode(value, spec) },
                "ramp" => scenario with { Ramp = ParseRamp(value, spec) },
                "segment" => scenario with { Segment = ParseSegment(value, scenario.Kind, spec) },
                _ => throw Fail(spec, $"has unknown setting '{key}'; known settings: {Keys}"),
            };
        }

        return scenario;
    }

    /// <summary>Why a segment is not one the simulated agents have, or null when it is.</summary>
    public static string? SegmentError(string? feature, string? value)
    {
        if (string.IsNullOrEmpty(feature) || Catalog.ValuesOf(feature) is not { } values)
        {
            return $"feature '{feature}' is unknown; use one of {string.Join(", ", Catalog.SegmentFeatures)}.";
        }

        return Array.IndexOf(values, value) >= 0
            ? null
            : $"value '{value}' is not a {feature}; use one of {string.Join(", ", values)}.";
    }

    private static DriftKind ParseKind(string text, string spec)
    {
        // Accept the enum spelling too (LatencyCreep, latency_creep) so the manifest's names read back.
        var folded = text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        foreach (var (name, kind) in Kinds)
        {
            if (string.Equals(name.Replace("-", "", StringComparison.Ordinal), folded, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        var known = string.Join(", ", Array.ConvertAll(Kinds, k => k.Name));
        throw Fail(spec, $"has unknown drift kind '{text}'; known kinds: {known}");
    }

    private static double ParseOnset(string value, string spec) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var onset) && onset >= 0 && onset <= 1
            ? onset
            : throw Fail(spec, $"onset must be a number in [0, 1], got '{value}'");

    private static DriftMode ParseMode(string value, string spec) => value.ToLowerInvariant() switch
    {
        "sudden" => DriftMode.Sudden,
        "gradual" => DriftMode.Gradual,
        _ => throw Fail(spec, $"mode must be sudden or gradual, got '{value}'"),
    };

    private static int ParseRamp(string value, string spec) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ramp) && ramp >= 1
            ? ramp
            : throw Fail(spec, $"ramp must be a whole number of events, at least 1, got '{value}'");

    private static KeyValuePair<string, string> ParseSegment(string value, DriftKind kind, string spec)
    {
        if (kind != DriftKind.Misrouting)
        {
            throw Fail(spec, $"segment applies only to misrouting, not {KindName(kind)}");
        }

        var sep = value.IndexOfAny(['=', ':']);
        if (sep <= 0 || sep == value.Length - 1)
        {
            throw Fail(spec, $"segment must be feature=value (e.g. urgency=high), got '{value}'");
        }

        var feature = value[..sep].Trim().ToLowerInvariant();
        var featureValue = value[(sep + 1)..].Trim().ToLowerInvariant();
        var error = SegmentError(feature, featureValue);
        return error is null ? new(feature, featureValue) : throw Fail(spec, "segment " + error.TrimEnd('.'));
    }

    private static FormatException Fail(string spec, string problem) =>
        new($"Drift scenario '{spec}' {problem}.");
}
