namespace DriftWatch.Core.Features;

/// <summary>
/// Receives the features of one event without allocating names: the hot path passes raw keys and values,
/// and the receiver builds a feature's name only the first time it meets it.
/// </summary>
internal interface IFeatureVisitor
{
    void Outcome(string outcome);

    /// <summary>A categorical value; <paramref name="key"/> is null for tool-call names and statuses.</summary>
    void Categorical(CategoricalSource source, string? key, string value);

    /// <summary>A numeric value; <paramref name="key"/> is set for metrics only.</summary>
    void Numeric(NumericSource source, string? key, double value);

    void Text(TextSource source, string text);
}

/// <summary>Where a categorical value came from.</summary>
internal enum CategoricalSource
{
    InputFeature,
    Label,
    ToolName,
    ToolStatus,
}

/// <summary>Where a numeric value came from.</summary>
internal enum NumericSource
{
    Confidence,
    Sentiment,
    Metric,
}

/// <summary>Where a text came from.</summary>
internal enum TextSource
{
    Input,
    Output,
}
