using System.Globalization;
using System.Text.Json;
using DriftWatch.Cli.Hosting;
using DriftWatch.Core.Detection;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DriftWatch.IntegrationTests.State;

/// <summary>
/// The Kafka service (the host <c>driftwatch run</c> starts) detecting on <c>Pipeline:DetectionWorkers</c> threads:
/// the same alerts and incidents as one thread, and durable state that follows an agent to whichever shard it
/// lands on after a restart with another worker count.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class ShardedRunTests(KafkaEnvironment kafka) : IDisposable
{
    private const string DriftFeature = "decision.outcome|input.features.urgency=high";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-sharded-run-").FullName;

    [Fact]
    public async Task Run_OneAndTwoDetectionWorkers_SameAlertsAndIncidentsAsOneUninterruptedReplay()
    {
        var scenario = await DurableStateScenario.CreateAsync(events: 12_000);
        string decisions = await kafka.CreateTopicAsync("decisions", partitions: 3);
        await TestEvents.ProduceAsync(kafka.BootstrapServers, decisions, scenario.Messages);
        var alertsOf = new Dictionary<int, List<string>>();
        var incidentsOf = new Dictionary<int, List<string>>();
        var snapshottedAgentsOf = new Dictionary<int, List<string>>();
        foreach (int workers in new[] { 1, 2 })
        {
            var output = await OutputTopicsAsync();
            var snapshots = Path.Combine(_directory, $"snapshots-{workers}");
            var run = await StartAsync(decisions, output, $"g-{Guid.NewGuid():N}", workers, snapshots);
            await using (run)
            {
                await TestEvents.WaitUntilAsync(() => run.Pipeline.Statistics.Committed >= scenario.Messages.Count, Patience, $"{workers} worker(s) to commit every message");
                Assert.Equal(workers, run.Pipeline.Durable.Count);
            }

            alertsOf[workers] = [.. DurableStateScenario.ReadTopic(kafka.BootstrapServers, output.Alerts, TimeSpan.FromSeconds(2)).Distinct().Order(StringComparer.Ordinal)];
            incidentsOf[workers] = DurableStateScenario.IncidentIds(DurableStateScenario.ReadTopic(kafka.BootstrapServers, output.Alerts, TimeSpan.FromSeconds(1), incidents: true));
            var store = new Core.Snapshots.LocalDirectorySnapshotStore(snapshots);
            snapshottedAgentsOf[workers] = [.. (await store.ListAsync(CancellationToken.None)).Select(static s => s.Scope.AgentId).Distinct().Order(StringComparer.Ordinal)];
        }

        Assert.NotEmpty(scenario.ExpectedAlerts);
        Assert.Equal(scenario.ExpectedAlerts.Order(StringComparer.Ordinal), alertsOf[1]);
        Assert.Equal(alertsOf[1], alertsOf[2]);
        Assert.NotEmpty(scenario.ExpectedIncidentIds);
        Assert.Equal(scenario.ExpectedIncidentIds, incidentsOf[1]);
        Assert.Equal(incidentsOf[1], incidentsOf[2]);

        // One snapshot recorder observes both shards: every agent's behaviour is recorded, whichever shard owns it.
        Assert.Equal(Agents(scenario), snapshottedAgentsOf[2]);
        Assert.Equal(snapshottedAgentsOf[1], snapshottedAgentsOf[2]);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 1)]
    public async Task Run_RestartedAtTheDriftOnsetWithOtherDetectionWorkerCount_RestoresEveryAgentAndAlertsTheDrift(int before, int after)
    {
        var scenario = await DurableStateScenario.CreateAsync(events: 12_000);
        // With two shards the agents must really be spread, or nothing moves between shards.
        Assert.True(Agents(scenario).Select(a => AgentShards.Of(a, 2)).Distinct().Count() == 2, "the scenario's agents all hash to one of two shards");
        string decisions = await kafka.CreateTopicAsync("decisions", partitions: 3);
        string state = await kafka.CreateTopicAsync("state", partitions: 3);
        string group = $"g-{Guid.NewGuid():N}";

        // The first run learns every reference and stops right before the first drifted decision.
        int split = scenario.OnsetIndex;
        await TestEvents.ProduceAsync(kafka.BootstrapServers, decisions, scenario.Messages[..split]);
        var firstOutput = await OutputTopicsAsync(state);
        var first = await StartAsync(decisions, firstOutput, group, before);
        await using (first)
        {
            await TestEvents.WaitUntilAsync(() => first.Pipeline.Statistics.Committed >= split, Patience, "the first run to commit up to the drift onset");
            Assert.Equal(before, first.Pipeline.Durable.Count);
        }

        long firstCheckpoints = first.Pipeline.Statistics.Checkpoints;

        // The drift happens while the service runs with the other worker count.
        await TestEvents.ProduceAsync(kafka.BootstrapServers, decisions, scenario.Messages[split..]);
        var secondOutput = await OutputTopicsAsync(state);
        var second = await StartAsync(decisions, secondOutput, group, after);
        await using (second)
        {
            await TestEvents.WaitUntilAsync(() => second.Pipeline.Statistics.Committed >= scenario.Messages.Count - split, Patience, "the second run to commit every message");
            Assert.Equal(after, second.Pipeline.Durable.Count);
        }

        Assert.True(firstCheckpoints > 0, "the first run wrote no checkpoint");
        Assert.Equal(0, second.Pipeline.RestoreFailures);
        Assert.True(
            Agents(scenario).Count == second.Pipeline.RestoredAgents,
            $"restored {second.Pipeline.RestoredAgents} of {Agents(scenario).Count} agents; first run committed {first.Pipeline.Statistics.Committed}, wrote {firstCheckpoints} checkpoints");

        // A re-learned agent would take the drifted decisions as its reference and never alert on them.
        var firstAlerts = DurableStateScenario.ReadTopic(kafka.BootstrapServers, firstOutput.Alerts, TimeSpan.FromSeconds(1));
        var secondAlerts = DurableStateScenario.ReadTopic(kafka.BootstrapServers, secondOutput.Alerts, TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(firstAlerts, IsDriftAlert);
        Assert.Contains(secondAlerts, IsDriftAlert);
        Assert.Equal(scenario.ExpectedAlerts.Order(StringComparer.Ordinal), firstAlerts.Concat(secondAlerts).Distinct().Order(StringComparer.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static bool IsDriftAlert(string line)
    {
        var alert = JsonDocument.Parse(line).RootElement;
        return alert.GetProperty("agent_id").GetString() == "support-router" && alert.GetProperty("feature").GetString() == DriftFeature;
    }

    private static List<string> Agents(DurableStateScenario scenario) =>
        [.. scenario.Messages.Select(static m => m.Key).Distinct().Order(StringComparer.Ordinal)];

    private async Task<Output> OutputTopicsAsync(string? state = null) => new(
        await kafka.CreateTopicAsync("alerts", partitions: 1),
        await kafka.CreateTopicAsync("dlq", partitions: 1),
        state ?? await kafka.CreateTopicAsync("state", partitions: 3));

    /// <summary>The service as <c>driftwatch run</c> hosts it, started and assembled; disposing it stops it (drain, final commit).</summary>
    private async Task<RunningHost> StartAsync(string decisions, Output output, string group, int workers, string? snapshots = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:Topics:0"] = decisions,
            ["Kafka:GroupId"] = group,
            // A restarted member joins at once instead of waiting out the stopped member's session.
            ["Kafka:Extra:session.timeout.ms"] = "6000",
            ["Kafka:Extra:heartbeat.interval.ms"] = "500",
            ["Pipeline:AlertsTopic"] = output.Alerts,
            ["Pipeline:DeadLetterTopic"] = output.DeadLetters,
            ["Pipeline:BatchSize"] = "200",
            ["Pipeline:BatchInterval"] = "00:00:00.050",
            ["Pipeline:DetectionWorkers"] = workers.ToString(CultureInfo.InvariantCulture),
            ["State:Topic"] = output.State,
            ["State:CheckpointInterval"] = "00:00:00.300",
            ["Snapshots:Directory"] = snapshots ?? Path.Combine(_directory, $"snapshots-{Guid.NewGuid():N}"),
            ["Logging:Level"] = "Warning",
        }).Build();
        var host = DriftWatchHost.Build(configuration);
        var service = host.Services.GetServices<IHostedService>().OfType<DriftWatchService>().Single();
        await host.StartAsync(CancellationToken.None);
        try
        {
            var running = await service.Running.WaitAsync(TimeSpan.FromSeconds(60));
            return new RunningHost(host, running.Pipeline);
        }
        catch
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
            throw;
        }
    }

    private sealed record Output(string Alerts, string DeadLetters, string State);

    private sealed class RunningHost(IHost host, IngestPipeline pipeline) : IAsyncDisposable
    {
        public IngestPipeline Pipeline => pipeline;

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
    }
}
