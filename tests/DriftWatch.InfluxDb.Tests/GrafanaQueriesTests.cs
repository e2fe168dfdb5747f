using DriftWatch.InfluxDb.Tests.Infrastructure;

namespace DriftWatch.InfluxDb.Tests;

/// <summary>
/// The provisioned dashboards and alert rules, run as InfluxQL against a real influxd that holds what the sink
/// wrote: every query must find data, and the drift views must tell the drifting agent from the quiet one.
/// </summary>
public sealed class GrafanaQueriesTests(InfluxdFixture fixture) : IClassFixture<InfluxdFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset From = ResultScenario.Start.AddMinutes(-10);
    private static readonly DateTimeOffset To = ResultScenario.End.AddMinutes(10);
    private readonly string _database = InfluxdFixture.NewDatabase();

    public async Task InitializeAsync()
    {
        if (fixture.Server is null)
        {
            return;
        }

        await fixture.Server.CreateDatabaseAsync(_database);
        await using var sink = new InfluxResultSink(InfluxdFixture.V1Options(fixture.Server, _database));
        foreach (var batch in ResultScenario.Batches())
        {
            await sink.WriteAsync(batch, CancellationToken.None);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [InfluxdFact]
    public async Task DashboardQueries_AfterSinkWrites_EveryQueryReturnsData()
    {
        var server = fixture.Require();
        var queries = GrafanaProvisioning.DashboardQueries();
        Assert.NotEmpty(queries);

        var failures = new List<string>();
        foreach (var q in queries)
        {
            var text = Substitute(q.Query, ResultScenario.DriftingAgent, "decision.outcome");
            var result = await server.QueryAsync(text, _database);
            var problem = InfluxQueryChecks.Problem(result);
            if (problem is not null)
            {
                failures.Add($"{q.File} {q.Where}: {problem} [{text}]");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [InfluxdFact]
    public async Task AlertRuleQueries_AfterSinkWrites_EveryQueryReturnsData()
    {
        var server = fixture.Require();
        var rules = GrafanaProvisioning.AlertRuleQueries();
        Assert.NotEmpty(rules);

        foreach (var (q, _) in rules)
        {
            var result = await server.QueryAsync(Substitute(q.Query, ResultScenario.DriftingAgent, "decision.outcome"), _database);
            Assert.True(InfluxQueryChecks.Problem(result) is null, $"{q.File} {q.Where}: {InfluxQueryChecks.Problem(result)}");
        }
    }

    [InfluxdFact]
    public async Task AlertRules_DriftingAndQuietAgents_OnlyDriftingAgentBreachesCondition()
    {
        var server = fixture.Require();
        foreach (var (q, rule) in GrafanaProvisioning.AlertRuleQueries())
        {
            // Evaluate at the end of the scenario over the rule's own window, then apply its threshold
            // (reduce = max/last of the window, as the rule's expressions do).
            var window = TimeSpan.FromSeconds(double.Parse((string)rule["data"]![0]!["relativeTimeRange"]!["from"]!, System.Globalization.CultureInfo.InvariantCulture));
            var text = GrafanaProvisioning.Substitute(q.Query, ResultScenario.End - window, ResultScenario.End, "1m", new Dictionary<string, string>());
            var result = await server.QueryAsync(text, _database);
            var threshold = ThresholdOf(rule);
            var reducer = ReducerOf(rule);

            var breaching = result.Series
                .Where(s => Reduce(s.Numbers(s.Columns[1]), reducer) > threshold)
                .Select(s => s.Tags["agent_id"])
                .Distinct()
                .ToList();

            Assert.Contains(ResultScenario.DriftingAgent, breaching);
            Assert.DoesNotContain(ResultScenario.QuietAgent, breaching);
            Assert.All(result.Series, s => Assert.Contains("environment", s.Tags.Keys));
            Assert.All(result.Series, s => Assert.Contains("feature", s.Tags.Keys));
        }
    }

    [InfluxdFact]
    public async Task AgentScorePanel_DriftingAgent_ScoreCrossesThreshold()
    {
        var (score, threshold) = await ScoreVsThresholdAsync(ResultScenario.DriftingAgent);

        Assert.Contains(score.Zip(threshold), p => p.First > p.Second);
        Assert.Contains(score.Zip(threshold), p => p.First < p.Second);
    }

    [InfluxdFact]
    public async Task AgentScorePanel_QuietAgent_ScoreStaysBelowThreshold()
    {
        var (score, threshold) = await ScoreVsThresholdAsync(ResultScenario.QuietAgent);

        Assert.NotEmpty(score);
        Assert.All(score.Zip(threshold), p => Assert.True(p.First < p.Second, $"score {p.First} >= threshold {p.Second}"));
    }

    [InfluxdFact]
    public async Task FleetStatusTable_BothAgents_OnlyDriftingAgentAboveOne()
    {
        var server = fixture.Require();
        var q = GrafanaProvisioning.DashboardQueries().Single(q => q.Where.Contains("Drift status by agent", StringComparison.Ordinal));
        var result = await server.QueryAsync(Substitute(q.Query, ResultScenario.DriftingAgent, "decision.outcome"), _database);

        var worst = result.Series.ToDictionary(s => s.Tags["agent_id"], s => s.Numbers("worst score / threshold").Single()!.Value);
        Assert.True(worst[ResultScenario.DriftingAgent] > 1, $"drifting agent worst ratio {worst[ResultScenario.DriftingAgent]}");
        Assert.True(worst[ResultScenario.QuietAgent] < 1, $"quiet agent worst ratio {worst[ResultScenario.QuietAgent]}");
    }

    [InfluxdFact]
    public async Task AgentGraphPanel_EdgesAndNodes_EdgeFromQuietToDriftingAgentAndOnlyDriftingNodeAboveOne()
    {
        var server = fixture.Require();
        var panel = GrafanaProvisioning.DashboardQueries().Where(q => q.Where.Contains("Agent graph", StringComparison.Ordinal)).ToList();
        var edges = await server.QueryAsync(Substitute(panel.Single(q => q.Where.EndsWith("edges", StringComparison.Ordinal)).Query, ResultScenario.DriftingAgent, "decision.outcome"), _database);
        var nodes = await server.QueryAsync(Substitute(panel.Single(q => q.Where.EndsWith("nodes", StringComparison.Ordinal)).Query, ResultScenario.DriftingAgent, "decision.outcome"), _database);

        var edge = Assert.Single(edges.Series);
        Assert.Equal(ResultScenario.QuietAgent, edge.Tags["parent"]);
        Assert.Equal(ResultScenario.DriftingAgent, edge.Tags["child"]);
        Assert.Equal(100.0 * ResultScenario.Minutes, edge.Numbers("mainstat").Single());
        var drift = nodes.Series.ToDictionary(s => s.Tags["agent_id"], s => s.Numbers("mainstat").Single()!.Value);
        Assert.True(drift[ResultScenario.DriftingAgent] > 1, $"drifting agent {drift[ResultScenario.DriftingAgent]}");
        Assert.True(drift[ResultScenario.QuietAgent] < 1, $"quiet agent {drift[ResultScenario.QuietAgent]}");
    }

    private async Task<(List<double> Score, List<double> Threshold)> ScoreVsThresholdAsync(string agent)
    {
        var server = fixture.Require();
        var q = GrafanaProvisioning.DashboardQueries().Single(q => q.Where.Contains("Drift score vs threshold", StringComparison.Ordinal));
        var result = await server.QueryAsync(Substitute(q.Query, agent, "decision.outcome"), _database);
        var series = Assert.Single(result.Series);
        var rows = series.Numbers("score").Zip(series.Numbers("threshold")).Where(p => p.First.HasValue && p.Second.HasValue).ToList();
        return (rows.Select(p => p.First!.Value).ToList(), rows.Select(p => p.Second!.Value).ToList());
    }

    private static string Substitute(string query, string agent, string feature) =>
        GrafanaProvisioning.Substitute(query, From, To, "1m", new Dictionary<string, string>
        {
            ["agent"] = agent,
            ["environment"] = ResultScenario.Environment,
            ["feature"] = feature,
            ["instance"] = ResultScenario.Instance,
        });

    private static double ThresholdOf(System.Text.Json.Nodes.JsonNode rule)
    {
        var condition = (string)rule["condition"]!;
        var node = rule["data"]!.AsArray().Single(d => (string)d!["refId"]! == condition)!;
        var param = node["model"]!["conditions"]![0]!["evaluator"]!["params"]![0]!;
        Assert.Equal("gt", (string)node["model"]!["conditions"]![0]!["evaluator"]!["type"]!);
        return double.Parse((string)param!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string ReducerOf(System.Text.Json.Nodes.JsonNode rule) =>
        (string)rule["data"]!.AsArray().Single(d => (string?)d!["model"]!["type"] == "reduce")!["model"]!["reducer"]!;

    private static double Reduce(IEnumerable<double?> values, string reducer)
    {
        var present = values.Where(v => v.HasValue).Select(v => v!.Value).ToList();
        return reducer switch
        {
            "max" => present.Max(),
            "last" => present[^1],
            "mean" => present.Average(),
            _ => throw new NotSupportedException($"reducer {reducer}"),
        };
    }
}
