namespace DriftWatch.Simulation.Tests;

public class FleetSimulatorDeterminismTests
{
    private static SimulationOptions Options(long seed) => new()
    {
        Seed = seed,
        Events = 4_000,
        Scenarios = { DriftScenario.Parse("misrouting:onset=0.3"), DriftScenario.Parse("latency-creep:agent=returns-bot,mode=gradual,ramp=200") },
    };

    [Fact]
    public void Generate_SameSeedTwoSimulators_IdenticalFieldValues()
    {
        var first = Fleet.Run(Options(7)).Select(Fleet.Describe).ToList();
        var second = Fleet.Run(Options(7)).Select(Fleet.Describe).ToList();

        Assert.Equal(first.Count, second.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Generate_EnumeratedTwice_SameSequence()
    {
        var simulator = new FleetSimulator(Options(11));

        var first = simulator.Generate().Select(Fleet.Describe).ToList();
        var second = simulator.Generate().Select(Fleet.Describe).ToList();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Generate_DifferentSeeds_DifferentEvents()
    {
        var a = Fleet.Run(Options(1)).Select(Fleet.Describe).ToList();
        var b = Fleet.Run(Options(2)).Select(Fleet.Describe).ToList();

        var same = a.Zip(b).Count(p => p.First == p.Second);
        Assert.Equal(0, same);
        Assert.NotEqual(a[0], b[0]);
    }

    [Fact]
    public void Generate_DriftAdded_EventsBeforeOnsetUnchanged()
    {
        var quiet = Fleet.DecisionsOf(Fleet.Run(new SimulationOptions { Events = 4_000 }), "support-router");
        var drifted = Fleet.Run(new SimulationOptions { Events = 4_000, Scenarios = { DriftScenario.Parse("confidence-drop:onset=0.5") } });
        var driftedDecisions = Fleet.DecisionsOf(drifted, "support-router");

        var onset = quiet.Count / 2;
        for (var i = 0; i < onset; i++)
        {
            Assert.Equal(quiet[i].EventId, driftedDecisions[i].EventId);
            Assert.Equal(quiet[i].Confidence, driftedDecisions[i].Confidence);
        }

        Assert.NotEqual(quiet[onset].Confidence, driftedDecisions[onset].Confidence);
    }
}
