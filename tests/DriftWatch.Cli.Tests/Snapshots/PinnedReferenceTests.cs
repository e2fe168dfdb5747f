using DriftWatch.Core.Detection;
using DriftWatch.Core.Snapshots;
using DriftWatch.Simulation;

namespace DriftWatch.Cli.Tests.Snapshots;

public sealed class PinnedReferenceTests
{
    [Fact]
    public void Observe_PinnedGoodSnapshot_DriftFromTheFirstEventIsDetectedWithoutAReferenceWindow()
    {
        // Known-good behaviour, snapshotted and pinned.
        var good = new SnapshotBuilder(new SnapshotScope("support-router", "production", "route"));
        foreach (var record in new FleetSimulator(new SimulationOptions { Agents = 1, Events = 4_000, Seed = 1 }).Generate())
        {
            if (record.Decision is { } decision)
            {
                good.TryAdd(decision);
            }
        }

        var pinned = good.Build();

        // A restarted service meets an agent that is already misrouting urgent tickets.
        var drifting = new SimulationOptions { Agents = 1, Events = 1_500, Seed = 2 };
        drifting.Scenarios.Add(DriftScenario.Parse("misrouting:onset=0"));
        var withPin = new DriftMonitor();
        withPin.PinSnapshot(pinned);
        var withoutPin = new DriftMonitor();
        var alertsWithPin = new List<DriftAlert>();
        var alertsWithoutPin = new List<DriftAlert>();
        foreach (var record in new FleetSimulator(drifting).Generate())
        {
            if (record.Decision is { } decision)
            {
                alertsWithPin.AddRange(withPin.Observe(decision).Alerts);
                alertsWithoutPin.AddRange(withoutPin.Observe(decision).Alerts);
            }
        }

        Assert.Equal(1, withPin.PinnedBehaviours);
        Assert.Equal("decision.outcome|input.features.urgency=high", Assert.IsType<DriftAlert>(alertsWithPin.FirstOrDefault()).Feature);
        Assert.Empty(alertsWithoutPin);
    }

    [Fact]
    public void ToProfile_Snapshot_CarriesCategoriesSegmentsAndNumericQuantiles()
    {
        var builder = new SnapshotBuilder(new SnapshotScope("support-router", "production"));
        foreach (var record in new FleetSimulator(new SimulationOptions { Agents = 1, Events = 2_000, Seed = 4 }).Generate())
        {
            if (record.Decision is { } decision)
            {
                builder.TryAdd(decision);
            }
        }

        var snapshot = builder.Build();
        var profile = SnapshotReference.ToProfile(snapshot, numericPoints: 64);

        Assert.Equal(snapshot.Categorical["decision.outcome"].Total, profile.Categorical["decision.outcome"].Values.Sum());
        Assert.Contains("decision.outcome|input.features.urgency=high", profile.Categorical.Keys);
        var latency = profile.Numeric["metrics.latency_ms"];
        Assert.Equal(64, latency.Count);
        Assert.True(latency.Zip(latency.Skip(1)).All(p => p.First <= p.Second), "quantile points must be sorted");
        Assert.Equal(snapshot.Numeric["metrics.latency_ms"].Count, profile.Observations["metrics.latency_ms"]);
    }
}
