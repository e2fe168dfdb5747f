using System.Globalization;
using DriftWatch.Simulation.Internal;

namespace DriftWatch.Simulation;

/// <summary>Settings of a simulated fleet. Call <see cref="Validate"/> (the simulator does) before use.</summary>
public sealed class SimulationOptions
{
    /// <summary>Seed of every random choice; the same options give the same events. Default 42.</summary>
    public long Seed { get; set; } = 42;

    /// <summary>
    /// Number of agents, default 4: support-router, billing-triage, returns-bot, tech-helpdesk; further agents
    /// repeat those profiles with numbered names (support-router-2, ...).
    /// </summary>
    public int Agents { get; set; } = 4;

    /// <summary>
    /// Decision events across the fleet, default 20,000, shared evenly between agents (the first agents take
    /// the remainder). State events come on top of these.
    /// </summary>
    public int Events { get; set; } = 20_000;

    /// <summary>Decision events per second of event time for each agent, default 50 (Poisson arrivals).</summary>
    public double EventsPerSecond { get; set; } = 50;

    /// <summary>Event time of the fleet's start, default 2026-03-02T08:00:00Z. No wall clock is read.</summary>
    public DateTimeOffset Start { get; set; } = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The environment stamped on every event, default production.</summary>
    public string Environment { get; set; } = "production";

    /// <summary>
    /// Mean number of an agent's decision events between background state changes that do not alter
    /// behaviour (memory/faq-cache, policy/greeting, ...), default 400; 0 turns them off.
    /// </summary>
    public int StateChangeEvery { get; set; } = 400;

    /// <summary>Drifts to inject; empty (the default) is a quiet fleet.</summary>
    public IList<DriftScenario> Scenarios { get; init; } = [];

    /// <summary>The agent ids this fleet will have, in order.</summary>
    public IReadOnlyList<string> AgentIds()
    {
        var ids = new string[Math.Max(Agents, 0)];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = AgentProfile.NameOf(i);
        }

        return ids;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (Agents is < 1 or > 10_000)
        {
            throw new ArgumentException($"Agents must be between 1 and 10000, got {Agents}.", nameof(Agents));
        }

        if (Events < Agents)
        {
            throw new ArgumentException($"Events must be at least Agents ({Agents}) so every agent decides something, got {Events}.", nameof(Events));
        }

        if (!(EventsPerSecond > 0) || double.IsInfinity(EventsPerSecond))
        {
            throw new ArgumentException(
                $"EventsPerSecond must be a positive number, got {EventsPerSecond.ToString(CultureInfo.InvariantCulture)}.",
                nameof(EventsPerSecond));
        }

        if (string.IsNullOrWhiteSpace(Environment))
        {
            throw new ArgumentException("Environment must not be empty.", nameof(Environment));
        }

        if (StateChangeEvery < 0)
        {
            throw new ArgumentException($"StateChangeEvery must be 0 (off) or positive, got {StateChangeEvery}.", nameof(StateChangeEvery));
        }

        if (Scenarios is null)
        {
            throw new ArgumentException("Scenarios must not be null; leave it empty for a quiet fleet.", nameof(Scenarios));
        }

        var ids = AgentIds();
        for (var i = 0; i < Scenarios.Count; i++)
        {
            var scenario = Scenarios[i] ?? throw new ArgumentException($"Scenarios[{i}] is null.", nameof(Scenarios));
            scenario.Validate($"{nameof(Scenarios)}[{i}]", nameof(Scenarios));
            if (scenario.Agent is not null && !ids.Contains(scenario.Agent))
            {
                throw new ArgumentException(
                    $"Scenarios[{i}]: Agent '{scenario.Agent}' is not in the fleet ({string.Join(", ", ids)}).",
                    nameof(Scenarios));
            }
        }
    }
}
