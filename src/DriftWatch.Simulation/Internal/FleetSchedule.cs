namespace DriftWatch.Simulation.Internal;

/// <summary>
/// One agent decision in event time, plus how many background state changes precede it. Causal state
/// events are not counted here: they follow from the plan (a scenario's onset index).
/// </summary>
internal readonly record struct Slot(int Agent, int DecisionIndex, long TimeMs, int BackgroundStates);

/// <summary>
/// Interleaves the agents' Poisson arrival streams in event-time order. It draws only from the timing
/// streams, so the manifest can walk the same schedule without building any event.
/// </summary>
internal static class FleetSchedule
{
    public static IEnumerable<Slot> Walk(FleetPlan plan)
    {
        var agents = plan.Agents;
        var n = agents.Length;
        var rngs = new SimRandom[n];
        var times = new double[n];
        var next = new int[n];
        var meanGapMs = 1000.0 / plan.Options.EventsPerSecond;
        var stateChance = plan.Options.StateChangeEvery > 0 ? 1.0 / plan.Options.StateChangeEvery : 0;
        for (var a = 0; a < n; a++)
        {
            rngs[a] = new SimRandom(SimRandom.Derive(plan.Options.Seed, a, FleetPlan.TimingStream));
            times[a] = rngs[a].NextExponential(meanGapMs);
        }

        var remaining = plan.Options.Events;
        while (remaining-- > 0)
        {
            // Linear scan: fleets are small, and ties go to the lower agent index for a stable order.
            var best = -1;
            var bestMs = long.MaxValue;
            for (var a = 0; a < n; a++)
            {
                if (next[a] < agents[a].DecisionCount)
                {
                    var ms = (long)times[a];
                    if (ms < bestMs)
                    {
                        best = a;
                        bestMs = ms;
                    }
                }
            }

            var rng = rngs[best];
            var background = next[best] > 0 && stateChance > 0 && rng.Chance(stateChance) ? 1 : 0;
            yield return new Slot(best, next[best], bestMs, background);
            next[best]++;
            times[best] += rng.NextExponential(meanGapMs);
        }
    }
}
