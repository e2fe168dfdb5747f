using DriftWatch.Otlp.Proto.Common;

namespace DriftWatch.Otlp.Mapping;

/// <summary>The attributes of one decision span, collected in one pass before the event is built.</summary>
internal struct SpanDraft
{
    public string? Name;
    public string? Outcome;
    public double? Confidence;
    public string? AgentId;
    public string? AgentName;
    public string? Model;
    public string? FinishReason;
    public string? InputText;
    public string? OutputText;
    public string? CapturedInput;
    public string? CapturedOutput;
    public double? Sentiment;
    public string? StateVersion;
    public string? ParentAgentId;
    public Dictionary<string, string>? Features;
    public Dictionary<string, string>? Labels;
    public Dictionary<string, double>? Metrics;

    /// <summary>Takes one attribute; returns why it is unusable, or null.</summary>
    public string? Read(string key, AnyValue? value)
    {
        switch (key)
        {
            case SpanAttributes.DecisionName:
                return String(key, value, out Name);
            case SpanAttributes.DecisionOutcome:
                return String(key, value, out Outcome);
            case SpanAttributes.DecisionConfidence:
                return Number(key, value, out Confidence);
            case SpanAttributes.AgentId:
                return String(key, value, out AgentId);
            case SpanAttributes.AgentName:
                return String(key, value, out AgentName);
            case SpanAttributes.RequestModel:
                return String(key, value, out Model);
            case SpanAttributes.FinishReasons:
                FinishReason = AttributeValues.FirstString(value);
                return null;
            case SpanAttributes.InputText:
                return String(key, value, out InputText);
            case SpanAttributes.OutputText:
                return String(key, value, out OutputText);
            case SpanAttributes.OutputSentiment:
                return Number(key, value, out Sentiment);
            case SpanAttributes.StateVersion:
                return String(key, value, out StateVersion);
            case SpanAttributes.ParentAgentId:
                return String(key, value, out ParentAgentId);
            case SpanAttributes.InputMessages:
                CapturedInput = AttributeValues.AsString(value) is { } input ? ContentText.FromMessages(input, "user") : null;
                return null;
            case SpanAttributes.OutputMessages:
                CapturedOutput = AttributeValues.AsString(value) is { } output ? ContentText.FromMessages(output, role: null) : null;
                return null;
            case SpanAttributes.InputTokens:
                return Metric("tokens_in", key, value);
            case SpanAttributes.OutputTokens:
                return Metric("tokens_out", key, value);
        }

        if (key.StartsWith(SpanAttributes.InputFeaturePrefix, StringComparison.Ordinal))
        {
            return Entry(ref Features, key, key[SpanAttributes.InputFeaturePrefix.Length..], value);
        }

        if (key.StartsWith(SpanAttributes.LabelPrefix, StringComparison.Ordinal))
        {
            return Entry(ref Labels, key, key[SpanAttributes.LabelPrefix.Length..], value);
        }

        if (key.StartsWith(SpanAttributes.MetricPrefix, StringComparison.Ordinal))
        {
            return Metric(key[SpanAttributes.MetricPrefix.Length..], key, value);
        }

        return null;
    }

    private string? Metric(string name, string key, AnyValue? value)
    {
        if (AttributeValues.AsNumber(value) is not double number)
        {
            return $"{key}: must be a number";
        }

        Metrics ??= [];
        return Metrics.TryAdd(name, number) ? null : $"{key}: gives metrics.{name} twice";
    }

    private static string? Entry(ref Dictionary<string, string>? map, string key, string name, AnyValue? value)
    {
        if (AttributeValues.AsString(value) is not { } text)
        {
            return $"{key}: must be a string";
        }

        map ??= [];
        return map.TryAdd(name, text) ? null : $"{key}: duplicate attribute";
    }

    private static string? String(string key, AnyValue? value, out string? target)
    {
        target = AttributeValues.AsString(value);
        return target is null ? $"{key}: must be a string" : null;
    }

    private static string? Number(string key, AnyValue? value, out double? target)
    {
        target = AttributeValues.AsNumber(value);
        return target is null ? $"{key}: must be a number" : null;
    }
}
