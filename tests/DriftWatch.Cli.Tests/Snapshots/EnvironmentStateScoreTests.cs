using DriftWatch.Core.Detection;
using DriftWatch.Core.Snapshots;
using DriftWatch.Service.Snapshots;
using DriftWatch.Simulation;

namespace DriftWatch.Cli.Tests.Snapshots;

/// <summary>The service's continuous environment comparison scores how the environments' state differs.</summary>
public sealed class EnvironmentStateScoreTests : IDisposable
{
    // Feature names of the state scores (docs/influxdb.md).
    private const string StateKeys = "state.keys_differing";
    private const string StateKey = "state.key:";

    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-state-score-").FullName;

    private async Task<List<FeatureScore>> RunAsync(params string[] scenarios)
    {
        var options = new SimulationOptions { Agents = 1, Events = 6000, EventsPerSecond = 5 };
        foreach (var scenario in scenarios)
        {
            options.Scenarios.Add(DriftScenario.Parse(scenario));
        }

        var scores = new List<FeatureScore>();
        var store = new LocalDirectorySnapshotStore(_directory);
        await using var recorder = new SnapshotRecorder(new DriftMonitor(), store, new SnapshotRecorderOptions { Interval = TimeSpan.FromMinutes(5) });
        foreach (var record in new EnvironmentPairSimulator(options, "staging").Generate())
        {
            if (record.Decision is { } decision)
            {
                scores.AddRange(recorder.Observe(decision).Scores.Where(static s => s.Detector == "environment"));
            }
            else
            {
                recorder.Observe(record.State!);
            }
        }

        return scores;
    }

    [Fact]
    public async Task Observe_StagingStateDivergesByOneKey_ScoresOneDifferingKeyNamingIt()
    {
        var scores = await RunAsync("misrouting:onset=0.3");

        var counts = scores.Where(static s => s.Feature == StateKeys).ToList();
        Assert.NotEmpty(counts);
        Assert.All(counts, static s => Assert.Equal("staging", s.Key.Environment));
        Assert.Equal(1, counts[^1].Score);
        Assert.True(counts[^1].Exceeded);
        Assert.Contains(scores, static s => s.Feature == StateKey + "policy/routing/urgency-high");
    }

    [Fact]
    public async Task Observe_SameState_ScoresZeroDifferingKeys()
    {
        var scores = await RunAsync();

        var counts = scores.Where(static s => s.Feature == StateKeys).ToList();
        Assert.NotEmpty(counts);
        Assert.All(counts, static s => Assert.Equal(0, s.Score));
        Assert.DoesNotContain(scores, static s => s.Feature.StartsWith(StateKey, StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
