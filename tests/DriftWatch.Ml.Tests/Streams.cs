using DriftWatch.Core.Events;
using DriftWatch.Simulation;

namespace DriftWatch.Ml.Tests;

/// <summary>Simulated single-agent streams, cached because several tests read the same one.</summary>
internal static class Streams
{
    private static readonly Dictionary<string, IReadOnlyList<DecisionEvent>> Cache = [];
    private static readonly Lock Gate = new();

    /// <summary>Decision events of one agent; <paramref name="scenario"/> null is a quiet stream.</summary>
    public static IReadOnlyList<DecisionEvent> Decisions(string? scenario, int events = 6000, long seed = 42)
    {
        string key = $"{scenario}|{events}|{seed}";
        lock (Gate)
        {
            if (!Cache.TryGetValue(key, out var decisions))
            {
                var options = new SimulationOptions { Agents = 1, Events = events, Seed = seed };
                if (scenario is not null)
                {
                    options.Scenarios.Add(DriftScenario.Parse(scenario));
                }

                decisions = new FleetSimulator(options).Generate().Where(r => r.Decision is not null).Select(r => r.Decision!).ToArray();
                Cache.Add(key, decisions);
            }

            return decisions;
        }
    }
}
