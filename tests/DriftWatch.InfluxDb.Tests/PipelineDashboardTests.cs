using Confluent.Kafka;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;
using DriftWatch.Core.Propagation;
using DriftWatch.InfluxDb.Tests.Infrastructure;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Embedded;
using DriftWatch.Service.Pipeline;
using DriftWatch.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.InfluxDb.Tests;

/// <summary>
/// The whole path on real parts: simulated agents (one with urgent tickets misrouted midway, one quiet) on a
/// Kafka-protocol cluster, the real ingest pipeline with the default detectors, the InfluxDB sink into a real
/// influxd; then every provisioned dashboard and alert query runs against what the pipeline wrote.
/// </summary>
public sealed class PipelineDashboardTests(InfluxdFixture fixture) : IClassFixture<InfluxdFixture>, IAsyncLifetime
{
    private const string Drifting = "support-router";
    private const string Quiet = "billing-triage";
    private const string Feature = "decision.outcome|input.features.urgency=high";

    // Event time close to now, so the pipeline's own health points (wall clock) share the dashboards' range.
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-40).ToUnixTimeSeconds());
    private readonly string _database = InfluxdFixture.NewDatabase();
    private long _produced;

    public async Task InitializeAsync()
    {
        if (fixture.Server is null)
        {
            return;
        }

        await fixture.Server.CreateDatabaseAsync(_database);
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("decisions", partitions: 2);
        cluster.CreateTopic("dlq", partitions: 1);
        var simulation = new SimulationOptions { Agents = 2, Events = 10_000, EventsPerSecond = 5, Start = Start, Seed = 3 };
        simulation.Scenarios.Add(DriftScenario.Parse($"misrouting:agent={Drifting},onset=0.5"));
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true }).Build())
        {
            foreach (var record in new FleetSimulator(simulation).Generate())
            {
                // The quiet agent is fed by the drifting one, so the agent graph has an edge (docs/propagation.md).
                var value = record.Decision is { } d
                    ? AgentEventWriter.ToUtf8Bytes(d.AgentId == Quiet ? d with { ParentAgentId = Drifting } : d)
                    : AgentEventWriter.ToUtf8Bytes(record.State!);
                producer.Produce("decisions", new Message<string, byte[]> { Key = record.AgentId, Value = value });
                _produced++;
            }

            producer.Flush(TimeSpan.FromSeconds(60));
        }

        var kafka = new KafkaConsumerOptions { BootstrapServers = cluster.BootstrapServers, GroupId = "dashboards" };
        kafka.Topics.Clear();
        kafka.Topics.Add("decisions");
        var options = new PipelineOptions { DeadLetterTopic = "dlq", AlertsTopic = string.Empty, HealthInterval = TimeSpan.FromMilliseconds(100), InstanceId = "dw-test" };
        var monitor = new DriftMonitor();
        var propagation = new PropagationMap();
        IncidentDetector.AddTo(monitor, propagation: propagation);
        await using var sink = new InfluxResultSink(InfluxdFixture.V1Options(fixture.Server, _database)) { EdgeSource = propagation.Edges };
        var pipeline = new IngestPipeline(kafka, options, monitor, [sink], NullLoggerFactory.Instance, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (pipeline.Statistics.Committed < _produced && DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            await Task.Delay(100);
        }

        // Per-interval panels need health readings in at least two intervals, however fast the run was: one
        // more message (a malformed one, dead-lettered) a little over an interval later carries a later reading.
        await Task.Delay(1200);
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true }).Build())
        {
            await producer.ProduceAsync("decisions", new Message<string, byte[]> { Key = Drifting, Value = "{\"not\":\"an event\"}"u8.ToArray() });
            _produced++;
        }

        deadline = DateTime.UtcNow.AddSeconds(30);
        while (pipeline.Statistics.Committed < _produced && DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            await Task.Delay(100);
        }

        await Task.Delay(300);
        await stop.CancelAsync();
        await run;
        Assert.Equal(_produced, pipeline.Statistics.Committed);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [InfluxdFact]
    public async Task EveryDashboardQuery_AfterPipelineRun_ReturnsData()
    {
        var server = fixture.Require();
        var failures = new List<string>();
        // The environment comparison (detector 'environment') needs a second environment and the snapshot recorder,
        // which this single-environment pipeline does not run; GrafanaQueriesTests runs those panels on sink output.
        foreach (var q in GrafanaProvisioning.DashboardQueries().Where(static q => !q.Query.Contains("\"detector\" = 'environment'", StringComparison.Ordinal)))
        {
            var text = Substitute(q.Query, Drifting);
            var problem = InfluxQueryChecks.Problem(await server.QueryAsync(text, _database));
            if (problem is not null)
            {
                failures.Add($"{q.File} {q.Where}: {problem} [{text}]");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [InfluxdFact]
    public async Task EveryAlertRuleQuery_AfterPipelineRun_ReturnsData()
    {
        var server = fixture.Require();
        foreach (var (q, _) in GrafanaProvisioning.AlertRuleQueries())
        {
            var problem = InfluxQueryChecks.Problem(await server.QueryAsync(Substitute(q.Query, Drifting), _database));
            Assert.True(problem is null, $"{q.File} {q.Where}: {problem}");
        }
    }

    [InfluxdFact]
    public async Task DriftScores_AfterPipelineRun_DriftingAgentCrossesItsThresholdAndQuietAgentDoesNot()
    {
        var server = fixture.Require();
        var result = await server.QueryAsync("SELECT max(\"score_ratio\") FROM \"drift_score\" WHERE \"detector\" = 'drift' GROUP BY \"agent_id\"", _database);
        var worst = result.Series.ToDictionary(s => s.Tags["agent_id"], s => s.Numbers(s.Columns[1]).Single()!.Value);

        Assert.True(worst[Drifting] > 1, $"{Drifting} worst score/threshold {worst[Drifting]}");
        Assert.True(worst[Quiet] < 1, $"{Quiet} worst score/threshold {worst[Quiet]}");
        var segment = await server.QueryAsync($"SELECT max(\"score_ratio\") FROM \"drift_score\" WHERE \"detector\" = 'drift' AND \"agent_id\" = '{Drifting}' AND \"feature\" = '{Feature}'", _database);
        Assert.True(segment.Series.Single().Numbers(segment.Series.Single().Columns[1]).Single() > 1, "the misrouted segment's own score stays below its threshold");
    }

    private static string Substitute(string query, string agent) =>
        GrafanaProvisioning.Substitute(query, Start.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5), "1s", new Dictionary<string, string>
        {
            ["agent"] = agent,
            ["environment"] = "production",
            ["feature"] = Feature,
            ["instance"] = "dw-test",
        });
}
