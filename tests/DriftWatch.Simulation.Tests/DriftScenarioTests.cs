namespace DriftWatch.Simulation.Tests;

public class DriftScenarioTests
{
    [Fact]
    public void Parse_FullSpec_ReadsEverySetting()
    {
        var scenario = DriftScenario.Parse("misrouting:agent=support-router,onset=0.25,mode=gradual,ramp=1500,segment=category:billing");

        Assert.Equal(DriftKind.Misrouting, scenario.Kind);
        Assert.Equal("support-router", scenario.Agent);
        Assert.Equal(0.25, scenario.Onset);
        Assert.Equal(DriftMode.Gradual, scenario.Mode);
        Assert.Equal(1500, scenario.Ramp);
        Assert.Equal(new KeyValuePair<string, string>("category", "billing"), scenario.Segment);
        Assert.Equal("decision.outcome|input.features.category=billing", scenario.ExpectedFeature);
    }

    [Fact]
    public void Parse_KindOnly_UsesDefaults()
    {
        var scenario = DriftScenario.Parse("latency-creep");

        Assert.Equal(new DriftScenario(DriftKind.LatencyCreep), scenario);
        Assert.Null(scenario.Agent);
        Assert.Equal(0.5, scenario.Onset);
        Assert.Equal(DriftMode.Sudden, scenario.Mode);
        Assert.Equal(2000, scenario.Ramp);
    }

    [Theory]
    [InlineData("misrouting", DriftKind.Misrouting)]
    [InlineData("Sentiment-Collapse", DriftKind.SentimentCollapse)]
    [InlineData("new-reply-vocabulary:onset=0", DriftKind.NewReplyVocabulary)]
    [InlineData("LatencyCreep", DriftKind.LatencyCreep)]
    [InlineData(" confidence_drop : onset = 1 , mode = SUDDEN ", DriftKind.ConfidenceDrop)]
    public void Parse_KindSpellings_Accepted(string spec, DriftKind expected)
    {
        Assert.Equal(expected, DriftScenario.Parse(spec).Kind);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("drift-everything", "unknown drift kind 'drift-everything'")]
    [InlineData("misrouting:onset=1.5", "onset must be a number in [0, 1]")]
    [InlineData("misrouting:onset=half", "onset must be a number in [0, 1], got 'half'")]
    [InlineData("latency-creep:ramp=0", "ramp must be a whole number")]
    [InlineData("latency-creep:mode=slowly", "mode must be sudden or gradual")]
    [InlineData("latency-creep:speed=2", "unknown setting 'speed'")]
    [InlineData("latency-creep:onset", "setting 'onset' is not key=value")]
    [InlineData("latency-creep:onset=0.2,onset=0.3", "sets 'onset' twice")]
    [InlineData("latency-creep:onset=0.2,", "empty setting")]
    [InlineData("latency-creep:segment=urgency=high", "segment applies only to misrouting")]
    [InlineData("misrouting:segment=urgency", "segment must be feature=value")]
    [InlineData("misrouting:segment=mood=angry", "feature 'mood' is unknown")]
    [InlineData("misrouting:segment=urgency=extreme", "value 'extreme' is not a urgency")]
    [InlineData("misrouting:agent=", "agent is empty")]
    public void Parse_BadSpec_ThrowsNamingTheProblem(string spec, string expected)
    {
        var error = Assert.Throws<FormatException>(() => DriftScenario.Parse(spec));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("misrouting:agent=returns-bot,onset=0.3,mode=gradual,ramp=700,segment=channel=chat")]
    [InlineData("confidence-drop:onset=0.123456789")]
    [InlineData("new-reply-vocabulary")]
    public void ToString_ParsedBack_EqualScenario(string spec)
    {
        var scenario = DriftScenario.Parse(spec);

        Assert.Equal(scenario, DriftScenario.Parse(scenario.ToString()));
    }

    [Theory]
    [InlineData(DriftKind.Misrouting, "decision.outcome|input.features.urgency=high")]
    [InlineData(DriftKind.SentimentCollapse, "output.sentiment")]
    [InlineData(DriftKind.NewReplyVocabulary, "output.text")]
    [InlineData(DriftKind.LatencyCreep, "metrics.latency_ms")]
    [InlineData(DriftKind.ConfidenceDrop, "decision.confidence")]
    public void ExpectedFeature_EachKind_NamesContractFeature(DriftKind kind, string feature)
    {
        Assert.Equal(feature, new DriftScenario(kind).ExpectedFeature);
    }
}
