using DriftWatch.Core.Events;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Tests.Features;

public sealed class DecisionFeaturizerTests
{
    private static DecisionEvent Sample() => new()
    {
        EventId = "e1",
        AgentId = "support-router",
        Timestamp = DateTimeOffset.UnixEpoch,
        DecisionName = "route",
        Outcome = "billing",
        Confidence = 0.87,
        InputText = "i was charged twice",
        InputFeatures = new Dictionary<string, string> { ["category"] = "invoice", ["urgency"] = "high" },
        OutputText = "thanks for reaching out",
        Sentiment = 0.23,
        ToolCalls = [new ToolCall("lookup_order", "ok", 162.7)],
        Metrics = new Dictionary<string, double> { ["latency_ms"] = 581.4, ["tokens_in"] = double.NaN },
        Labels = new Dictionary<string, string> { ["model"] = "m-large" },
    };

    [Fact]
    public void Extract_FullEvent_NamesFeaturesAsInContract()
    {
        var names = DecisionFeaturizer.Extract(Sample()).Select(o => o.Feature).ToHashSet();

        string[] expected =
        [
            "decision.outcome", "decision.confidence", "output.sentiment", "output.text", "input.text",
            "input.features.category", "input.features.urgency", "metrics.latency_ms", "tool_calls.name",
            "tool_calls.status", "labels.model", "decision.outcome|input.features.category=invoice",
            "decision.outcome|input.features.urgency=high",
        ];
        Assert.Equal(expected.OrderBy(n => n, StringComparer.Ordinal), names.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Extract_ConditionalFeature_CarriesOutcomeAsCategory()
    {
        var conditional = DecisionFeaturizer.Extract(Sample()).Single(o => o.Feature == "decision.outcome|input.features.urgency=high");

        Assert.Equal(FeatureKind.Conditional, conditional.Kind);
        Assert.Equal("billing", conditional.Category);
    }

    [Fact]
    public void Extract_NonFiniteMetric_IsSkipped()
    {
        var observations = DecisionFeaturizer.Extract(Sample());

        Assert.DoesNotContain(observations, o => o.Feature == "metrics.tokens_in");
        Assert.Equal(581.4, observations.Single(o => o.Feature == "metrics.latency_ms").Number);
    }

    [Fact]
    public void Extract_MissingOptionalFields_GivesOutcomeOnly()
    {
        var minimal = new DecisionEvent { EventId = "e", AgentId = "a", Timestamp = DateTimeOffset.UnixEpoch, DecisionName = "d", Outcome = "o" };

        var observation = Assert.Single(DecisionFeaturizer.Extract(minimal));

        Assert.Equal(FeatureNames.Outcome, observation.Feature);
    }
}
