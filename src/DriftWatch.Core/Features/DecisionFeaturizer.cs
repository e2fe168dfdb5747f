using DriftWatch.Core.Events;

namespace DriftWatch.Core.Features;

/// <summary>
/// Maps a decision event to its features (CONTRACT.md section 1). Non-finite numbers are skipped: they
/// would poison every statistic downstream, and the parser already range-checks confidence and sentiment.
/// </summary>
public static class DecisionFeaturizer
{
    /// <summary>
    /// All observations of one event, with conditional observations
    /// (<c>decision.outcome|input.features.k=v</c>) for every input feature. Allocates; the detection hot
    /// path walks the same features without allocating.
    /// </summary>
    public static IReadOnlyList<FeatureObservation> Extract(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var collector = new Collector();
        Visit(decision, collector);
        return collector.Observations;
    }

    internal static void Visit<TVisitor>(DecisionEvent decision, TVisitor visitor)
        where TVisitor : IFeatureVisitor
    {
        visitor.Outcome(decision.Outcome);
        if (decision.Confidence is double confidence && double.IsFinite(confidence))
        {
            visitor.Numeric(NumericSource.Confidence, null, confidence);
        }

        if (decision.Sentiment is double sentiment && double.IsFinite(sentiment))
        {
            visitor.Numeric(NumericSource.Sentiment, null, sentiment);
        }

        VisitStrings(decision.InputFeatures, CategoricalSource.InputFeature, visitor);
        VisitStrings(decision.Labels, CategoricalSource.Label, visitor);
        if (decision.Metrics is FieldMap<double> parsed)
        {
            foreach (var (key, value) in parsed.Entries)
            {
                VisitMetric(visitor, key, value);
            }
        }
        else if (decision.Metrics is Dictionary<string, double> metrics)
        {
            foreach (var (key, value) in metrics)
            {
                VisitMetric(visitor, key, value);
            }
        }
        else
        {
            foreach (var (key, value) in decision.Metrics)
            {
                VisitMetric(visitor, key, value);
            }
        }

        var tools = decision.ToolCalls;
        for (int i = 0; i < tools.Count; i++)
        {
            var call = tools[i];
            visitor.Categorical(CategoricalSource.ToolName, null, call.Name);
            visitor.Categorical(CategoricalSource.ToolStatus, null, call.Status ?? FeatureNames.MissingToolStatus);
        }

        if (!string.IsNullOrEmpty(decision.InputText))
        {
            visitor.Text(TextSource.Input, decision.InputText);
        }

        if (!string.IsNullOrEmpty(decision.OutputText))
        {
            visitor.Text(TextSource.Output, decision.OutputText);
        }
    }

    private static void VisitMetric<TVisitor>(TVisitor visitor, string key, double value)
        where TVisitor : IFeatureVisitor
    {
        if (double.IsFinite(value))
        {
            visitor.Numeric(NumericSource.Metric, key, value);
        }
    }

    private static void VisitStrings<TVisitor>(IReadOnlyDictionary<string, string> values, CategoricalSource source, TVisitor visitor)
        where TVisitor : IFeatureVisitor
    {
        // The concrete types' span and struct enumerators avoid an allocation per event on the hot path.
        if (values is FieldMap<string> parsed)
        {
            foreach (var (key, value) in parsed.Entries)
            {
                visitor.Categorical(source, key, value);
            }
        }
        else if (values is Dictionary<string, string> dictionary)
        {
            foreach (var (key, value) in dictionary)
            {
                visitor.Categorical(source, key, value);
            }
        }
        else
        {
            foreach (var (key, value) in values)
            {
                visitor.Categorical(source, key, value);
            }
        }
    }

    private sealed class Collector : IFeatureVisitor
    {
        private string? _outcome;

        public List<FeatureObservation> Observations { get; } = [];

        public void Outcome(string outcome)
        {
            _outcome = outcome;
            Observations.Add(new(FeatureNames.Outcome, FeatureKind.Categorical, outcome, double.NaN));
        }

        public void Categorical(CategoricalSource source, string? key, string value)
        {
            string name = source switch
            {
                CategoricalSource.InputFeature => FeatureNames.InputFeature(key!),
                CategoricalSource.Label => FeatureNames.Label(key!),
                CategoricalSource.ToolName => FeatureNames.ToolCallName,
                _ => FeatureNames.ToolCallStatus,
            };
            Observations.Add(new(name, FeatureKind.Categorical, value, double.NaN));
            if (source == CategoricalSource.InputFeature)
            {
                Observations.Add(new(FeatureNames.ConditionalOutcome(key!, value), FeatureKind.Conditional, _outcome, double.NaN));
            }
        }

        public void Numeric(NumericSource source, string? key, double value)
        {
            string name = source switch
            {
                NumericSource.Confidence => FeatureNames.Confidence,
                NumericSource.Sentiment => FeatureNames.Sentiment,
                _ => FeatureNames.Metric(key!),
            };
            Observations.Add(new(name, FeatureKind.Numeric, null, value));
        }

        public void Text(TextSource source, string text) =>
            Observations.Add(new(source == TextSource.Input ? FeatureNames.InputText : FeatureNames.OutputText, FeatureKind.Text, text, double.NaN));
    }
}
