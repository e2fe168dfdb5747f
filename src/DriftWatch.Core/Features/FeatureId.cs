using System.Diagnostics.CodeAnalysis;

namespace DriftWatch.Core.Features;

/// <summary>Which part of a decision event a feature is derived from.</summary>
public enum FeatureFamily : byte
{
    /// <summary><c>decision.outcome</c></summary>
    Outcome = 1,

    /// <summary><c>decision.confidence</c></summary>
    Confidence = 2,

    /// <summary><c>output.sentiment</c></summary>
    Sentiment = 3,

    /// <summary><c>input.text</c></summary>
    InputText = 4,

    /// <summary><c>output.text</c></summary>
    OutputText = 5,

    /// <summary><c>tool_calls.name</c></summary>
    ToolCallName = 6,

    /// <summary><c>tool_calls.status</c></summary>
    ToolCallStatus = 7,

    /// <summary><c>input.features.&lt;key&gt;</c></summary>
    InputFeature = 8,

    /// <summary><c>decision.outcome|input.features.&lt;key&gt;=&lt;segment&gt;</c></summary>
    ConditionalOutcome = 9,

    /// <summary><c>labels.&lt;key&gt;</c></summary>
    Label = 10,

    /// <summary><c>metrics.&lt;key&gt;</c></summary>
    Metric = 11,
}

/// <summary>
/// The identity of a feature: its family, the key within the family (input feature, label or metric name)
/// and, for conditional outcome features, the input segment value. Code passes this value around; the
/// contract's string form (<see cref="Format"/>, CONTRACT.md section 1) exists only on the wire.
/// </summary>
public readonly record struct FeatureId
{
    private FeatureId(FeatureFamily family, string? key, string? segment)
    {
        Family = family;
        Key = key;
        Segment = segment;
    }

    public FeatureFamily Family { get; }

    /// <summary>The key within a keyed family; null for the fixed features.</summary>
    public string? Key { get; }

    /// <summary>The input segment value of a conditional outcome feature; null otherwise.</summary>
    public string? Segment { get; }

    public static FeatureId Outcome { get; } = new(FeatureFamily.Outcome, null, null);

    public static FeatureId Confidence { get; } = new(FeatureFamily.Confidence, null, null);

    public static FeatureId Sentiment { get; } = new(FeatureFamily.Sentiment, null, null);

    public static FeatureId InputText { get; } = new(FeatureFamily.InputText, null, null);

    public static FeatureId OutputText { get; } = new(FeatureFamily.OutputText, null, null);

    public static FeatureId ToolCallName { get; } = new(FeatureFamily.ToolCallName, null, null);

    public static FeatureId ToolCallStatus { get; } = new(FeatureFamily.ToolCallStatus, null, null);

    public static FeatureId InputFeature(string key) => new(FeatureFamily.InputFeature, Required(key), null);

    public static FeatureId Label(string key) => new(FeatureFamily.Label, Required(key), null);

    public static FeatureId Metric(string key) => new(FeatureFamily.Metric, Required(key), null);

    public static FeatureId ConditionalOutcome(string inputKey, string segment) =>
        new(FeatureFamily.ConditionalOutcome, Required(inputKey), segment ?? throw new ArgumentNullException(nameof(segment)));

    /// <summary>Builds an id from its parts, as stored in a checkpoint; throws when the parts do not fit the family.</summary>
    public static FeatureId Create(FeatureFamily family, string? key, string? segment) => family switch
    {
        FeatureFamily.Outcome => Outcome,
        FeatureFamily.Confidence => Confidence,
        FeatureFamily.Sentiment => Sentiment,
        FeatureFamily.InputText => InputText,
        FeatureFamily.OutputText => OutputText,
        FeatureFamily.ToolCallName => ToolCallName,
        FeatureFamily.ToolCallStatus => ToolCallStatus,
        FeatureFamily.InputFeature => InputFeature(key!),
        FeatureFamily.Label => Label(key!),
        FeatureFamily.Metric => Metric(key!),
        FeatureFamily.ConditionalOutcome => ConditionalOutcome(key!, segment!),
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Unknown feature family."),
    };

    /// <summary>The contract name, e.g. <c>decision.outcome|input.features.urgency=high</c>.</summary>
    public string Format() => Family switch
    {
        FeatureFamily.Outcome => FeatureNames.Outcome,
        FeatureFamily.Confidence => FeatureNames.Confidence,
        FeatureFamily.Sentiment => FeatureNames.Sentiment,
        FeatureFamily.InputText => FeatureNames.InputText,
        FeatureFamily.OutputText => FeatureNames.OutputText,
        FeatureFamily.ToolCallName => FeatureNames.ToolCallName,
        FeatureFamily.ToolCallStatus => FeatureNames.ToolCallStatus,
        FeatureFamily.InputFeature => FeatureNames.InputFeature(Key!),
        FeatureFamily.Label => FeatureNames.Label(Key!),
        FeatureFamily.Metric => FeatureNames.Metric(Key!),
        FeatureFamily.ConditionalOutcome => FeatureNames.ConditionalOutcome(Key!, Segment!),
        _ => string.Empty,
    };

    /// <inheritdoc />
    public override string ToString() => Format();

    /// <summary>Parses a contract feature name; throws <see cref="FormatException"/> naming it when it is not one.</summary>
    public static FeatureId Parse(string name) =>
        TryParse(name, out var id) ? id : throw new FormatException($"'{name}' is not a DriftWatch feature name.");

    /// <summary>
    /// Parses a contract feature name. A conditional name splits at the first '=' after the input key, so an
    /// input feature key must not contain '=' to round-trip (segment values may).
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out FeatureId id)
    {
        const string conditional = FeatureNames.Outcome + "|input.features.";
        const string input = "input.features.";
        const string label = "labels.";
        const string metric = "metrics.";
        id = default;
        switch (name)
        {
            case null or "":
                return false;
            case FeatureNames.Outcome: id = Outcome; return true;
            case FeatureNames.Confidence: id = Confidence; return true;
            case FeatureNames.Sentiment: id = Sentiment; return true;
            case FeatureNames.InputText: id = InputText; return true;
            case FeatureNames.OutputText: id = OutputText; return true;
            case FeatureNames.ToolCallName: id = ToolCallName; return true;
            case FeatureNames.ToolCallStatus: id = ToolCallStatus; return true;
        }

        if (name.StartsWith(conditional, StringComparison.Ordinal))
        {
            string rest = name[conditional.Length..];
            int eq = rest.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return false;
            }

            id = ConditionalOutcome(rest[..eq], rest[(eq + 1)..]);
            return true;
        }

        return TryKeyed(name, input, FeatureFamily.InputFeature, ref id)
            || TryKeyed(name, label, FeatureFamily.Label, ref id)
            || TryKeyed(name, metric, FeatureFamily.Metric, ref id);
    }

    private static bool TryKeyed(string name, string prefix, FeatureFamily family, ref FeatureId id)
    {
        if (name.Length <= prefix.Length || !name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        id = new FeatureId(family, name[prefix.Length..], null);
        return true;
    }

    private static string Required(string key) =>
        string.IsNullOrEmpty(key) ? throw new ArgumentException("A keyed feature needs a non-empty key.", nameof(key)) : key;
}
