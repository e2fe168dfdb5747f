namespace DriftWatch.Core.Features;

/// <summary>How a feature's values are compared, which decides the detectors that run on it.</summary>
public enum FeatureKind
{
    /// <summary>A distribution over labels (outcome, input features, labels, tool calls).</summary>
    Categorical,

    /// <summary>The outcome distribution within one input segment.</summary>
    Conditional,

    /// <summary>A real-valued distribution (confidence, sentiment, metrics).</summary>
    Numeric,

    /// <summary>Text, compared through its hashed word n-gram sketch.</summary>
    Text,
}
