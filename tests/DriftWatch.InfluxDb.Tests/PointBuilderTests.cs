using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Results;
using DriftWatch.InfluxDb.Tests.Infrastructure;

namespace DriftWatch.InfluxDb.Tests;

public sealed class PointBuilderTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, 780, TimeSpan.Zero);
    private static readonly BehaviourKey Key = new("support-router", "production", "route");

    [Fact]
    public void Build_FeatureScore_WritesTagsFieldsAndMillisecondTimestamp()
    {
        var score = new FeatureScore(Key, "decision.outcome", "chi2", 41.2, 18.5, At, At.AddMinutes(-5), At, 2000, 250);

        var line = Assert.Single(PointBuilder.Build(new ResultBatch([score], [], [], null)));

        Assert.Equal(
            "drift_score,agent_id=support-router,decision=route,detector=chi2,environment=production,feature=decision.outcome " +
            $"current_count=250i,exceeded=1i,reference_count=2000i,score=41.2,score_ratio={41.2 / 18.5:R},threshold=18.5,window_seconds=300 " +
            At.ToUnixTimeMilliseconds(),
            line);
    }

    [Fact]
    public void Build_AgentEdge_WritesParentChildVolumeAndEdgeId()
    {
        var edge = new Core.Propagation.AgentEdge("production", "support-router", "support-responder", 640, At);

        var line = Assert.Single(PointBuilder.Build(ResultBatch.Empty with { Edges = [edge] }));

        Assert.Equal(
            "agent_edge,child=support-responder,environment=production,parent=support-router " +
            "edge_id=\"support-router->support-responder\",events=640i " + At.ToUnixTimeMilliseconds(),
            line);
    }

    [Fact]
    public void Build_TagValuesWithSpacesCommasEquals_AreEscaped()
    {
        var key = new BehaviourKey("agent one", "prod,eu", "route");
        var score = new FeatureScore(key, "decision.outcome|input.features.urgency=high", "chi2", 1, 2, At, At, At, 1, 1);

        var line = Assert.Single(PointBuilder.Build(new ResultBatch([score], [], [], null)));

        Assert.StartsWith(
            @"drift_score,agent_id=agent\ one,decision=route,detector=chi2,environment=prod\,eu,feature=decision.outcome|input.features.urgency\=high ",
            line,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NewlineInTagOrText_NeverSplitsThePoint()
    {
        var key = new BehaviourKey("agent\nx", "production", "route");
        var alert = Alert(key, "line one\r\nline \"two\" \\ end");

        var lines = PointBuilder.Build(new ResultBatch([], [alert], [], null));

        var line = Assert.Single(lines);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.Contains(@"agent_id=agent\ x", line, StringComparison.Ordinal);
        Assert.Contains(@"line one line \""two\"" \\ end", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NonFiniteScore_LeavesOutTheFieldButKeepsThePoint()
    {
        var score = new FeatureScore(Key, "decision.outcome", "chi2", double.PositiveInfinity, 18.5, At, At, At, 10, 10);

        var line = Assert.Single(PointBuilder.Build(new ResultBatch([score], [], [], null)));

        Assert.DoesNotContain("score=", line.Replace("_score=", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("score_ratio=", line, StringComparison.Ordinal);
        Assert.Contains("exceeded=1i", line, StringComparison.Ordinal);
        Assert.Contains("threshold=18.5", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Alert_HasSeverityTagAndAnnotationFields()
    {
        var line = Assert.Single(PointBuilder.Build(new ResultBatch([], [Alert(Key, "urgent tickets now go to billing")], [], null)));

        Assert.StartsWith("drift_alert,", line, StringComparison.Ordinal);
        Assert.Contains(",severity=critical", line, StringComparison.Ordinal);
        Assert.Contains("title=\"support-router (production): decision.outcome drifted\"", line, StringComparison.Ordinal);
        Assert.Contains("text=\"urgent tickets now go to billing (escalate 0.12 -> 0.41)\"", line, StringComparison.Ordinal);
        Assert.Contains("tags=\"support-router,production,critical\"", line, StringComparison.Ordinal);
        Assert.EndsWith(" " + At.ToUnixTimeMilliseconds(), line, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_WindowSummary_WritesStatsOutcomesAndMeans()
    {
        var window = new WindowSummary(Key, At.AddMinutes(-1), At, 200,
            new Dictionary<string, double> { ["billing"] = 0.75, ["technical"] = 0.25 },
            new Dictionary<string, double> { ["decision.confidence"] = 0.8 });

        var lines = PointBuilder.Build(new ResultBatch([], [], [window], null));

        Assert.Equal(4, lines.Count);
        Assert.Contains(lines, l => l.StartsWith("window_stats,", StringComparison.Ordinal) && l.Contains("event_count=200i", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("window_outcome,", StringComparison.Ordinal) && l.Contains("outcome=billing", StringComparison.Ordinal) && l.Contains("events=150i,share=0.75", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("window_outcome,", StringComparison.Ordinal) && l.Contains("outcome=technical", StringComparison.Ordinal) && l.Contains("events=50i,share=0.25", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("window_numeric,", StringComparison.Ordinal) && l.Contains("feature=decision.confidence", StringComparison.Ordinal) && l.Contains("value=0.8", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_PipelineHealth_TaggedByInstanceOnly()
    {
        var health = new PipelineHealth(At, "dw-1", 1234, 56.5, 7, 89);

        var line = Assert.Single(PointBuilder.Build(new ResultBatch([], [], [], health)));

        Assert.Equal($"pipeline_health,instance=dw-1 consumer_lag=89i,dead_lettered=7i,events_per_second=56.5,events_processed=1234i {At.ToUnixTimeMilliseconds()}", line);
    }

    [Fact]
    public void Build_EmptyDecisionName_GetsPlaceholderTagInsteadOfDroppingIt()
    {
        var score = new FeatureScore(Key with { DecisionName = "" }, "f", "ks", 0.1, 0.2, At, At, At, 1, 1);

        var line = Assert.Single(PointBuilder.Build(new ResultBatch([score], [], [], null)));

        Assert.Contains(@"decision=(none)", line, StringComparison.Ordinal);
    }

    [InfluxdFact]
    public async Task Build_EscapedTagsAndStrings_RoundTripThroughInfluxd()
    {
        await using var server = await InfluxdServer.StartNewAsync();
        var database = InfluxdFixture.NewDatabase();
        await server.CreateDatabaseAsync(database);
        var key = new BehaviourKey("agent one,eu=1", "prod", "route \"x\"");
        var text = "quote \" backslash \\ comma, equals= space";
        var lines = PointBuilder.Build(new ResultBatch([], [Alert(key, text)], [], null));

        await server.WriteAsync(database, string.Join('\n', lines));
        var result = await server.QueryAsync("SELECT \"text\", \"agent_id\", \"decision\" FROM \"drift_alert\"", database);

        var row = Assert.Single(Assert.Single(result.Series).Values);
        Assert.Equal(text + " (escalate 0.12 -> 0.41)", row[1].GetString());
        Assert.Equal(key.AgentId, row[2].GetString());
        Assert.Equal(key.DecisionName, row[3].GetString());
    }

    private static DriftAlert Alert(BehaviourKey key, string summary) =>
        new(key, "decision.outcome", "chi2", 41.2, 18.5, AlertSeverity.Critical, At, At.AddMinutes(-5), At, summary,
            [new ValueShift("escalate", 0.12, 0.41)]);
}
