using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;
using DriftWatch.Service.Snapshots;
using DriftWatch.Simulation;

namespace DriftWatch.Cli.Tests.Snapshots;

/// <summary>One snapshot recorder over several detection shards, each monitor fed from its own thread, as the service runs it.</summary>
public sealed class ShardedSnapshotRecorderTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-sharded-recorder-").FullName;

    [Fact]
    public async Task Observe_FleetOverTwoMonitorsFedFromTwoThreads_SameSnapshotsAndEnvironmentScoresAsOneMonitor()
    {
        var decisions = Fleet();
        Assert.Equal(2, decisions.Select(static d => AgentShards.Of(d.AgentId, 2)).Distinct().Count());

        var one = await RecordAsync(decisions, shards: 1, "one");
        var two = await RecordAsync(decisions, shards: 2, "two");

        Assert.Contains(one.Snapshots, static s => s.StartsWith(nameof(RecordedSnapshotKind.Period), StringComparison.Ordinal));
        Assert.Equal(one.Snapshots, two.Snapshots);
        Assert.Contains(one.EnvironmentScores, static s => s.Contains("staging", StringComparison.Ordinal));
        Assert.Equal(one.EnvironmentScores, two.EnvironmentScores);
        Assert.Equal(one.Snapshots.Count, two.Written);
    }

    [Fact]
    public async Task Observe_FedAsOneMonitor_SendsEachAgentToItsShard()
    {
        var monitors = new List<DriftMonitor> { new(), new() };
        var store = new LocalDirectorySnapshotStore(Path.Combine(_directory, "routed"));
        await using var recorder = new SnapshotRecorder(monitors, store, new SnapshotRecorderOptions { Interval = Interval });

        foreach (var decision in Fleet())
        {
            recorder.Observe(decision);
        }

        foreach (var agent in Fleet().Select(static d => d.AgentId).Distinct())
        {
            int owner = AgentShards.Of(agent, 2);
            Assert.NotNull(monitors[owner].HistoryOf(agent, "production"));
            Assert.Null(monitors[1 - owner].HistoryOf(agent, "production"));
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<Recording> RecordAsync(List<DecisionEvent> decisions, int shards, string name)
    {
        var monitors = Enumerable.Range(0, shards).Select(static _ => new DriftMonitor()).ToList();
        var store = new LocalDirectorySnapshotStore(Path.Combine(_directory, name));
        var recorder = new SnapshotRecorder(monitors, store, new SnapshotRecorderOptions { Interval = Interval, CompareEnvironments = true });
        var snapshots = new System.Collections.Concurrent.ConcurrentBag<string>();
        var scores = new System.Collections.Concurrent.ConcurrentBag<string>();
        recorder.Recorded += r => snapshots.Add($"{r.Kind}|{r.Id}");
        await using (recorder)
        {
            // Each shard's agents in event order on the shard's own thread, all shards at once.
            var feeds = Enumerable.Range(0, shards).Select(shard => Task.Run(() =>
            {
                foreach (var decision in decisions.Where(d => AgentShards.Of(d.AgentId, shards) == shard))
                {
                    foreach (var score in monitors[shard].Observe(decision).Scores.Where(static s => s.Detector == "environment"))
                    {
                        scores.Add($"{score.Key}|{score.Feature}|{score.WindowStart:O}|{score.Score:R}");
                    }
                }
            }));
            await Task.WhenAll(feeds);
        }

        return new Recording([.. snapshots.Order(StringComparer.Ordinal)], [.. scores.Order(StringComparer.Ordinal)], recorder.Written);
    }

    // Three agents in production and in staging, the staging router misrouting part of the way through.
    private static List<DecisionEvent> Fleet() =>
        [.. Simulate("production", seed: 1).Concat(Simulate("staging", seed: 2, "misrouting:agent=support-router,onset=0.4")).OrderBy(static d => d.Timestamp)];

    private static IEnumerable<DecisionEvent> Simulate(string environment, long seed, params string[] scenarios)
    {
        var options = new SimulationOptions { Agents = 3, Events = 9000, EventsPerSecond = 5, Environment = environment, Seed = seed };
        foreach (var scenario in scenarios)
        {
            options.Scenarios.Add(DriftScenario.Parse(scenario));
        }

        return new FleetSimulator(options).Generate().Where(static r => r.IsDecision).Select(static r => r.Decision!);
    }

    private sealed record Recording(List<string> Snapshots, List<string> EnvironmentScores, long Written);
}
