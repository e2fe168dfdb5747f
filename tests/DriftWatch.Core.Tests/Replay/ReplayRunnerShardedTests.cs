using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Replay;
using DriftWatch.Simulation;

namespace DriftWatch.Core.Tests.Replay;

public sealed class ReplayRunnerShardedTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task RunAsync_DetectionShardedByAgent_SameAlertLinesStepsAndSummaryAsOneMonitor(int shards)
    {
        byte[] file = Recording(events: 24_000, agents: 9);

        var (oneAlerts, oneSummary, oneSteps) = await ReplayAsync(file, [new DriftMonitor()]);
        var (shardedAlerts, shardedSummary, shardedSteps) = await ReplayAsync(
            file, [.. Enumerable.Range(0, shards).Select(_ => (IDriftMonitor)new DriftMonitor())]);

        Assert.True(oneSummary.Alerts > 0, "the recording must raise alerts for the comparison to mean anything");
        Assert.True(oneSummary.StateEvents > 0);
        Assert.Equal(oneSummary, shardedSummary);
        Assert.Equal(oneAlerts, shardedAlerts);
        Assert.Equal(oneSteps, shardedSteps);
    }

    [Fact]
    public async Task RunAsync_ShardedReplayInTwoPartsThroughAStateFile_SameAlertsAsOneUninterruptedMonitor()
    {
        byte[] whole = Recording(events: 16_000, agents: 6);
        int cut = IndexOfLine(whole, line: 9_000);
        var (expected, _, _) = await ReplayAsync(whole, [new DriftMonitor()]);

        var first = new[] { new DriftMonitor(), new DriftMonitor(), new DriftMonitor() };
        var (firstAlerts, _, _) = await ReplayAsync(whole[..cut], [.. first]);
        var state = new MemoryStream();
        ReplayState.Write(first, state);
        state.Position = 0;
        var second = new[] { new DriftMonitor(), new DriftMonitor() };
        ReplayState.Read(second, state);
        var (secondAlerts, _, _) = await ReplayAsync(whole[cut..], [.. second]);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, firstAlerts + secondAlerts);
    }

    [Fact]
    public void Of_SameAgent_SameShardEveryTimeAndWithinRange()
    {
        int[] counts = new int[3];
        foreach (string agent in Enumerable.Range(0, 300).Select(i => $"agent-{i}"))
        {
            int shard = AgentShards.Of(agent, 3);
            Assert.Equal(shard, AgentShards.Of(agent, 3));
            counts[shard]++;
        }

        Assert.Equal(0, AgentShards.Of("anything", 1));
        Assert.All(counts, c => Assert.InRange(c, 60, 140));
    }

    private static async Task<(string Alerts, ReplaySummary Summary, List<string> Steps)> ReplayAsync(byte[] file, IReadOnlyList<IDriftMonitor> shards)
    {
        var alerts = new StringWriter { NewLine = "\n" };
        var steps = new List<string>();
        var summary = await new ReplayRunner(shards).RunAsync(
            new MemoryStream(file),
            alerts,
            onStep: step => steps.Add($"{step.Scores.Count}/{step.Alerts.Count}/{string.Join(',', step.Windows.Select(w => w.Key))}"));
        return (alerts.ToString(), summary, steps);
    }

    private static int IndexOfLine(byte[] file, int line)
    {
        int seen = 0;
        for (int i = 0; i < file.Length; i++)
        {
            if (file[i] == (byte)'\n' && ++seen == line)
            {
                return i + 1;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(line));
    }

    private static byte[] Recording(int events, int agents)
    {
        var options = new SimulationOptions { Seed = 5, Agents = agents, Events = events };
        options.Scenarios.Add(new DriftScenario(DriftKind.Misrouting) { Onset = 0.4 });
        options.Scenarios.Add(new DriftScenario(DriftKind.ConfidenceDrop) { Onset = 0.6 });
        var file = new MemoryStream();
        foreach (var record in new FleetSimulator(options).Generate())
        {
            file.Write(record.Decision is { } d ? AgentEventWriter.ToUtf8Bytes(d) : AgentEventWriter.ToUtf8Bytes(record.State!));
            file.WriteByte((byte)'\n');
        }

        return file.ToArray();
    }
}
