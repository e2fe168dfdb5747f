using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;
using DriftWatch.Service.Snapshots;
using DriftWatch.Simulation;

namespace DriftWatch.Cli.Tests.Snapshots;

public sealed class SnapshotRecorderTests : IDisposable
{
    private const string MisroutedSegment = "decision.outcome|input.features.urgency=high";
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-recorder-").FullName;

    [Fact]
    public async Task Observe_SimulatedFleet_StoresReferenceOnceTheReferenceWindowIsFull()
    {
        var run = await Record(Simulate("production", seed: 42, "misrouting:onset=0.6"), "reference");

        var references = run.Recorded.Where(static r => r.Recorded.Kind == RecordedSnapshotKind.Reference).ToList();
        var reference = Assert.Single(references);
        Assert.Equal(2000, reference.DecisionsSeen);
        Assert.Equal(2000, reference.Recorded.Snapshot.EventCount);
        Assert.Equal(reference.Recorded.Id, run.Recorder.LastGood(reference.Recorded.Key)?.Id);
        Assert.NotNull(await run.Store.GetAsync(reference.Recorded.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Observe_SimulatedFleet_StoresOnePeriodSnapshotPerClosedInterval()
    {
        var decisions = Simulate("production", seed: 42, "misrouting:onset=0.6");
        var run = await Record(decisions, "periods");

        var periodStarts = decisions.Select(static d => Floor(d.Timestamp)).Distinct().ToList();
        var periods = run.Recorded.Where(static r => r.Recorded.Kind == RecordedSnapshotKind.Period).Select(static r => r.Recorded).ToList();
        // Every period but the last (still open) is closed and stored.
        Assert.Equal(periodStarts.SkipLast(1), periods.Select(static p => p.PeriodStart));
        foreach (var period in periods)
        {
            Assert.Equal(decisions.Count(d => Floor(d.Timestamp) == period.PeriodStart), period.Snapshot.EventCount);
            Assert.NotNull(await run.Store.GetAsync(period.Id, CancellationToken.None));
        }

        Assert.Equal(run.Recorded.Count, run.Recorder.Written);
    }

    [Fact]
    public async Task Observe_MisroutingAlert_StoresDriftedSnapshotRankingTheMisroutedSegmentFirst()
    {
        var run = await Record(Simulate("production", seed: 42, "misrouting:onset=0.6"), "drifted");

        Assert.NotEmpty(run.Alerts);
        var drifted = run.Recorded.Where(static r => r.Recorded.Kind == RecordedSnapshotKind.Drifted).ToList();
        Assert.NotEmpty(drifted);
        Assert.Equal(run.Alerts[0].DecisionsSeen, drifted[0].DecisionsSeen);
        var reference = await run.Store.GetAsync(run.Recorder.LastGood(drifted[0].Recorded.Key)!.Id, CancellationToken.None);
        // The fullest drifted snapshot ranks the misrouted segment first. Detection now alerts within tens of
        // events of the onset, so the drifted snapshot (the period up to the alert) may hold too few misrouted
        // decisions for the diff to call the change significant; the first period closed after the alert does.
        var largest = drifted.MaxBy(static r => r.Recorded.Snapshot.EventCount).Recorded;
        var stored = await run.Store.GetAsync(largest.Id, CancellationToken.None);
        var diff = SnapshotDiff.Compute(reference!, stored!);
        Assert.Equal(MisroutedSegment, diff.Changes[0].Feature);
        var after = run.Recorded.First(r => r.Recorded.Kind == RecordedSnapshotKind.Period && r.DecisionsSeen > drifted[0].DecisionsSeen).Recorded;
        var closed = SnapshotDiff.Compute(reference!, (await run.Store.GetAsync(after.Id, CancellationToken.None))!);
        Assert.Equal(MisroutedSegment, closed.Changes[0].Feature);
        Assert.True(closed.Changes[0].Significant, closed.Changes[0].Summary);
    }

    [Fact]
    public async Task Observe_StagingMisroutes_EmitsEnvironmentScoresAboveThreshold()
    {
        var decisions = Interleave(Simulate("production", seed: 1), Simulate("staging", seed: 2, "misrouting:onset=0.3"));
        var run = await Record(decisions, "staging-drift");

        var scores = run.Scores.Where(static s => s.Detector == "environment").ToList();
        Assert.NotEmpty(scores);
        Assert.All(scores, static s => Assert.Equal("staging", s.Key.Environment));
        Assert.Contains(scores, static s => s.Feature == MisroutedSegment && s.Exceeded);
        Assert.Contains(scores, static s => s.Feature == "*" && s.Exceeded);
    }

    [Fact]
    public async Task Observe_EnvironmentsBehaveAlike_EmitsNoEnvironmentScoreAboveThreshold()
    {
        var decisions = Interleave(Simulate("production", seed: 1), Simulate("staging", seed: 2));
        var run = await Record(decisions, "alike");

        var scores = run.Scores.Where(static s => s.Detector == "environment").ToList();
        // One overall row per closed period pair, none of them over the threshold.
        Assert.Equal(3, scores.Count(static s => s.Feature == "*"));
        Assert.DoesNotContain(scores, static s => s.Exceeded);
    }

    [Fact]
    public async Task Observe_SameEventsTwice_RecordsTheSameSnapshotIds()
    {
        var decisions = Simulate("production", seed: 42, "misrouting:onset=0.6");
        var first = await Record(decisions, "first");
        var second = await Record(decisions, "second");

        Assert.NotEmpty(first.Recorded);
        Assert.Equal(first.Recorded.Select(static r => (r.Recorded.Kind, r.Recorded.Id)), second.Recorded.Select(static r => (r.Recorded.Kind, r.Recorded.Id)));
    }

    [Fact]
    public async Task DisposeAsync_StoreDirectoryIsAFile_CountsFailedWritesAndDetectionGoesOn()
    {
        var blocker = Path.Combine(_directory, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "x");
        var recorder = new SnapshotRecorder(new DriftMonitor(), new LocalDirectorySnapshotStore(blocker), new SnapshotRecorderOptions { Interval = Interval });
        var recorded = 0;
        recorder.Recorded += _ => recorded++;
        var alerts = 0;
        await using (recorder)
        {
            foreach (var decision in Simulate("production", seed: 42, "misrouting:onset=0.6"))
            {
                alerts += recorder.Observe(decision).Alerts.Count;
            }
        }

        Assert.True(alerts > 0);
        Assert.True(recorded > 0);
        Assert.Equal(recorded, recorder.Failed);
        Assert.Equal(0, recorder.Written);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static List<DecisionEvent> Simulate(string environment, long seed, params string[] scenarios)
    {
        var options = new SimulationOptions { Agents = 1, Events = 6000, EventsPerSecond = 5, Environment = environment, Seed = seed };
        foreach (var scenario in scenarios)
        {
            options.Scenarios.Add(DriftScenario.Parse(scenario));
        }

        return [.. new FleetSimulator(options).Generate().Where(static r => r.IsDecision).Select(static r => r.Decision!)];
    }

    [Theory]
    [InlineData(1_000)] // the reference snapshot is filling
    [InlineData(3_777)] // mid-period, after the reference was recorded
    public async Task RestoreAgentUnit_SplitMidPeriod_RecordsTheSameSnapshotsAsOneUninterruptedRun(int split)
    {
        var decisions = Simulate("production", seed: 42, "misrouting:onset=0.6");
        var whole = await Record(decisions, "whole");

        var firstMonitor = new DriftMonitor();
        var first = new SnapshotRecorder(firstMonitor, new LocalDirectorySnapshotStore(Path.Combine(_directory, "first")), new SnapshotRecorderOptions { Interval = Interval });
        var recorded = new List<string>();
        first.Recorded += r => recorded.Add($"{r.Kind}|{r.Id}");
        await using (first)
        {
            foreach (var decision in decisions.Take(split))
            {
                first.Observe(decision);
            }
        }

        var units = decisions.Select(static d => d.AgentId).Distinct().Select(a => firstMonitor.CheckpointAgentUnit(a, null)).OfType<byte[]>().ToList();
        var secondMonitor = new DriftMonitor();
        var second = new SnapshotRecorder(secondMonitor, new LocalDirectorySnapshotStore(Path.Combine(_directory, "second")), new SnapshotRecorderOptions { Interval = Interval });
        second.Recorded += r => recorded.Add($"{r.Kind}|{r.Id}");
        await using (second)
        {
            foreach (var unit in units)
            {
                secondMonitor.RestoreAgentUnit(unit);
            }

            foreach (var decision in decisions.Skip(split))
            {
                second.Observe(decision);
            }
        }

        Assert.Contains(whole.Recorded, static r => r.Recorded.Kind == RecordedSnapshotKind.Period);
        Assert.Equal(whole.Recorded.Select(static r => $"{r.Recorded.Kind}|{r.Recorded.Id}"), recorded);
    }

    private static List<DecisionEvent> Interleave(List<DecisionEvent> first, List<DecisionEvent> second) =>
        [.. first.Concat(second).OrderBy(static d => d.Timestamp)];

    private static DateTimeOffset Floor(DateTimeOffset timestamp) =>
        new(timestamp.UtcTicks - (timestamp.UtcTicks % Interval.Ticks), TimeSpan.Zero);

    private async Task<Run> Record(List<DecisionEvent> decisions, string name)
    {
        var store = new LocalDirectorySnapshotStore(Path.Combine(_directory, name));
        var recorder = new SnapshotRecorder(new DriftMonitor(), store, new SnapshotRecorderOptions { Interval = Interval });
        var run = new Run(store, recorder);
        var seen = 0;
        recorder.Recorded += r => run.Recorded.Add((seen, r));
        await using (recorder)
        {
            foreach (var decision in decisions)
            {
                seen++;
                var step = recorder.Observe(decision);
                run.Scores.AddRange(step.Scores);
                run.Alerts.AddRange(step.Alerts.Select(a => (seen, a)));
            }
        }

        return run;
    }

    private sealed record Run(LocalDirectorySnapshotStore Store, SnapshotRecorder Recorder)
    {
        public List<(int DecisionsSeen, RecordedSnapshot Recorded)> Recorded { get; } = [];

        public List<FeatureScore> Scores { get; } = [];

        public List<(int DecisionsSeen, DriftAlert Alert)> Alerts { get; } = [];
    }
}
