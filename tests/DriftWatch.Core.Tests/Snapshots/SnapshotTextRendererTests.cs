using DriftWatch.Core.Features;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Tests.Snapshots;

public sealed class SnapshotTextRendererTests
{
    [Fact]
    public void Render_Snapshot_ShowsMetadataAndEveryFeature()
    {
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 5, count: 1_000));

        var text = SnapshotTextRenderer.Render(snapshot);

        Assert.Contains(snapshot.Id, text, StringComparison.Ordinal);
        Assert.Contains("events          1000", text, StringComparison.Ordinal);
        Assert.Contains("2026.02.1 100%", text, StringComparison.Ordinal);
        foreach (var feature in snapshot.Categorical.Keys.Concat(snapshot.Numeric.Keys).Concat(snapshot.Text.Keys))
        {
            Assert.Contains(Environment.NewLine + feature + " ", text, StringComparison.Ordinal);
        }

        Assert.Contains("decision.outcome|input.features.urgency=high", text, StringComparison.Ordinal);
        var median = FeatureComparer.Number(snapshot.Numeric[FeatureNames.Confidence].Quantile(0.5));
        Assert.Contains($"p50 {median}", text, StringComparison.Ordinal);
    }
}
