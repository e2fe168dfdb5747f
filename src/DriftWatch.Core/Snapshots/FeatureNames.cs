namespace DriftWatch.Core.Snapshots;

/// <summary>Feature paths as named in the event contract.</summary>
public static class FeatureNames
{
    public const string Outcome = "decision.outcome";
    public const string Confidence = "decision.confidence";
    public const string Sentiment = "output.sentiment";
    public const string InputText = "input.text";
    public const string OutputText = "output.text";
    public const string ToolName = "tool_calls.name";
    public const string ToolStatus = "tool_calls.status";
    public const string InputFeaturePrefix = "input.features.";
    public const string LabelPrefix = "labels.";
    public const string MetricPrefix = "metrics.";

    /// <summary>The conditional feature name, e.g. <c>decision.outcome|input.features.urgency=high</c>.</summary>
    public static string Conditional(SegmentKey segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return $"{Outcome}|{segment}";
    }
}
