using DriftWatch.Core.Snapshots;
using DriftWatch.Simulation;
using Xunit.Abstractions;

namespace DriftWatch.Core.Tests.Snapshots;

/// <summary>
/// The diff report names the root segment of a simulated segment drift and what it explains. Snapshots hold
/// marginal tables only, so the diff's rule assumes a root's part of another segment moved like the root; that
/// holds for urgency=high (its preferred team does not depend on the category), not for a channel whose teams
/// follow the category (the incident rule, with joint counts, covers that case).
/// </summary>
public sealed class DiffRootSegmentTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("urgency", "high")]
    public void RootSegments_SegmentMisrouted_NameTheDriftedSegmentInTextJsonAndHtml(string key, string value)
    {
        var simulator = new FleetSimulator(new SimulationOptions
        {
            Seed = 7,
            Agents = 1,
            Events = 12_000,
            Scenarios = [new DriftScenario(DriftKind.Misrouting) { Onset = 0.5, Segment = new(key, value) }],
        });
        var truth = simulator.Manifest.Scenarios[0];
        var decisions = simulator.Generate().Where(static r => r.IsDecision).Select(static r => r.Decision!).ToList();
        var scope = new SnapshotScope(truth.AgentId, simulator.Options.Environment, truth.DecisionName);
        var diff = SnapshotDiff.Compute(
            SnapshotTestData.Snapshot(decisions.Take(truth.OnsetAgentIndex), scope),
            SnapshotTestData.Snapshot(decisions.Skip(truth.OnsetAgentIndex), scope));

        var text = DiffTextRenderer.Render(diff);
        output.WriteLine(text);

        var root = diff.RootSegments[0];
        Assert.Equal($"{key}={value}", root.Segment);
        Assert.NotEmpty(root.Explains);
        Assert.Contains($"root segment: {root.Sentence}", text, StringComparison.Ordinal);
        Assert.Contains($"\"segment\": \"{key}={value}\"", DiffJsonRenderer.Render(diff), StringComparison.Ordinal);
        Assert.Contains($"Root segment: <b>{key}={value}</b> explains", DiffHtmlRenderer.Render(diff), StringComparison.Ordinal);
    }
}
