using System.Globalization;
using System.Text;
using DriftWatch.Core.Events;

namespace DriftWatch.Otlp.Mapping;

/// <summary>
/// The <c>driftwatch.decision/v1</c> rules (docs/contracts.md) applied to an event mapped from a span, so a
/// span the stream would dead-letter is rejected at the receiver instead, with OTLP's partial success.
/// </summary>
internal static class DecisionRules
{
    public static string? Check(DecisionEvent e)
    {
        return Identifier(SpanAttributes.AgentId, e.AgentId)
            ?? Identifier(SpanAttributes.DecisionName, e.DecisionName)
            ?? Identifier(SpanAttributes.DecisionOutcome, e.Outcome)
            ?? OptionalIdentifier("service.version", e.AgentVersion)
            ?? Identifier(SpanAttributes.DeploymentEnvironmentName, e.Environment)
            ?? OptionalIdentifier(SpanAttributes.StateVersion, e.StateVersion)
            ?? OptionalIdentifier(SpanAttributes.ParentAgentId, e.ParentAgentId)
            ?? Range(SpanAttributes.DecisionConfidence, e.Confidence, 0, 1)
            ?? Range(SpanAttributes.OutputSentiment, e.Sentiment, -1, 1)
            ?? Text(SpanAttributes.InputText, e.InputText)
            ?? Text(SpanAttributes.OutputText, e.OutputText)
            ?? Map(SpanAttributes.InputFeaturePrefix, e.InputFeatures)
            ?? Map(SpanAttributes.LabelPrefix, e.Labels)
            ?? Metrics(e.Metrics);
    }

    private static string? Identifier(string what, string value) =>
        value.Length == 0 ? $"{what}: must not be empty"
        : Length(value) > EventLimits.MaxIdentifierLength ? $"{what}: must be at most {EventLimits.MaxIdentifierLength} characters"
        : null;

    private static string? OptionalIdentifier(string what, string? value) => value is null ? null : Identifier(what, value);

    private static string? Range(string what, double? value, double min, double max) =>
        value is double v && !(v >= min && v <= max)
            ? string.Create(CultureInfo.InvariantCulture, $"{what}: must be a number in [{min}, {max}], got {v}")
            : null;

    private static string? Text(string what, string? value) =>
        value is not null && Length(value) > EventLimits.MaxTextLength
            ? $"{what}: must be at most {EventLimits.MaxTextLength} characters"
            : null;

    private static string? Map(string prefix, IReadOnlyDictionary<string, string> map)
    {
        if (map.Count > EventLimits.MaxMapEntries)
        {
            return $"{prefix}*: at most {EventLimits.MaxMapEntries} attributes";
        }

        foreach (KeyValuePair<string, string> entry in map)
        {
            if (Identifier(prefix + entry.Key, entry.Key) is { } error)
            {
                return error;
            }

            if (Length(entry.Value) > EventLimits.MaxIdentifierLength)
            {
                return $"{prefix}{entry.Key}: must be at most {EventLimits.MaxIdentifierLength} characters";
            }
        }

        return null;
    }

    private static string? Metrics(IReadOnlyDictionary<string, double> metrics)
    {
        if (metrics.Count > EventLimits.MaxMapEntries)
        {
            return $"{SpanAttributes.MetricPrefix}*: at most {EventLimits.MaxMapEntries} metrics";
        }

        foreach (KeyValuePair<string, double> metric in metrics)
        {
            if (Identifier(SpanAttributes.MetricPrefix + metric.Key, metric.Key) is { } error)
            {
                return error;
            }

            bool nonNegative = metric.Key is "latency_ms" or "tokens_in" or "tokens_out";
            if (!double.IsFinite(metric.Value) || (nonNegative && metric.Value < 0))
            {
                return string.Create(CultureInfo.InvariantCulture, $"metrics.{metric.Key}: must be a finite number{(nonNegative ? " >= 0" : "")}, got {metric.Value}");
            }
        }

        return null;
    }

    /// <summary>Unicode code points, as the contract counts; only counted when the UTF-16 length could exceed a limit.</summary>
    private static int Length(string value)
    {
        if (value.Length <= EventLimits.MaxIdentifierLength)
        {
            return value.Length;
        }

        int count = 0;
        foreach (Rune _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
