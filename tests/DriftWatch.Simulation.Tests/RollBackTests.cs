using DriftWatch.Core.Events;
using DriftWatch.Simulation;

namespace DriftWatch.Simulation.Tests;

public sealed class RollBackTests
{
    [Fact]
    public void RollBack_DuringLatencyCreep_LatencyReturnsToItsHealthyLevelForThatAgentOnly()
    {
        var options = new SimulationOptions { Agents = 2, Events = 12_000, Seed = 9 };
        options.Scenarios.Add(DriftScenario.Parse("latency-creep:agent=support-router,onset=0.3"));
        options.Scenarios.Add(DriftScenario.Parse("latency-creep:agent=billing-triage,onset=0.3"));
        var simulator = new FleetSimulator(options);
        var router = new List<double>();
        var billing = new List<double>();
        foreach (var record in simulator.Generate())
        {
            if (record.Decision is not { } decision)
            {
                continue;
            }

            var list = decision.AgentId == "support-router" ? router : billing;
            list.Add(decision.Metrics["latency_ms"]);
            if (decision.AgentId == "support-router" && router.Count == 4_000)
            {
                simulator.RollBack("support-router");
            }
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted[sorted.Count / 2];
        }

        var healthy = Median(router.Take(1_500));
        var drifted = Median(router.Skip(2_000).Take(1_900));
        var rolledBack = Median(router.Skip(4_100));
        Assert.True(drifted > 1.5 * healthy, $"drift did not raise latency: {healthy} -> {drifted}");
        Assert.InRange(rolledBack / healthy, 0.85, 1.15);
        Assert.True(Median(billing.Skip(4_100)) > 1.5 * Median(billing.Take(1_500)), "the other agent's drift must continue");
        Assert.True(simulator.IsRolledBack("support-router"));
        Assert.False(simulator.IsRolledBack("billing-triage"));
    }
}
