namespace DriftWatch.Core.Features;

/// <summary>Feature names as CONTRACT.md section 1 spells them.</summary>
public static class FeatureNames
{
    public const string Outcome = "decision.outcome";
    public const string Confidence = "decision.confidence";
    public const string Sentiment = "output.sentiment";
    public const string OutputText = "output.text";
    public const string InputText = "input.text";
    public const string ToolCallName = "tool_calls.name";
    public const string ToolCallStatus = "tool_calls.status";

    /// <summary>The <c>tool_calls.status</c> value of a tool call that reports none, in detection and snapshots alike.</summary>
    public const string MissingToolStatus = "(none)";

    /// <summary><c>input.features.&lt;key&gt;</c></summary>
    public static string InputFeature(string key) => "input.features." + key;

    /// <summary><c>metrics.&lt;key&gt;</c></summary>
    public static string Metric(string key) => "metrics." + key;

    /// <summary><c>labels.&lt;key&gt;</c></summary>
    public static string Label(string key) => "labels." + key;

    /// <summary>The outcome distribution within one input segment: <c>decision.outcome|input.features.k=v</c>.</summary>
    public static string ConditionalOutcome(string inputKey, string inputValue) =>
        Outcome + "|input.features." + inputKey + "=" + inputValue;
}
