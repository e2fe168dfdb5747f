using DriftWatch.Simulation.Internal;

namespace DriftWatch.Simulation;

/// <summary>
/// A seeded fleet of simulated support agents. The same options always give the same events, in event-time
/// order with the agents interleaved, and the same <see cref="Manifest"/>. No clock is read and no I/O done.
/// </summary>
public sealed class FleetSimulator
{
    private readonly FleetPlan _plan;
    private readonly Lazy<SimulationManifest> _manifest;

    /// <summary>Validates and copies <paramref name="options"/>; later changes to them do not affect this fleet.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the exception names it.</exception>
    public FleetSimulator(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = new SimulationOptions
        {
            Seed = options.Seed,
            Agents = options.Agents,
            Events = options.Events,
            EventsPerSecond = options.EventsPerSecond,
            Start = options.Start,
            Environment = options.Environment,
            StateChangeEvery = options.StateChangeEvery,
            Scenarios = options.Scenarios is null ? null! : [.. options.Scenarios],
        };
        _plan = new FleetPlan(Options);
        _manifest = new Lazy<SimulationManifest>(() => ManifestBuilder.Build(_plan));
    }

    /// <summary>
    /// Has an agent's runtime apply a rollback: its injected drifts stop for the decisions generated from now
    /// on, as a real runtime that reverted the drifted state would behave. Callable from any thread while
    /// <see cref="Generate"/> runs; a run that never rolls back stays fully reproducible.
    /// </summary>
    public void RollBack(string agentId)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        _rolledBack[agentId] = true;
    }

    /// <summary>Whether <see cref="RollBack"/> was called for the agent.</summary>
    public bool IsRolledBack(string agentId) => _rolledBack.ContainsKey(agentId);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _rolledBack = new(StringComparer.Ordinal);

    /// <summary>The (copied, validated) options of this fleet.</summary>
    public SimulationOptions Options { get; }

    /// <summary>The fleet's agent ids, in order.</summary>
    public IReadOnlyList<string> AgentIds => Options.AgentIds();

    /// <summary>
    /// Ground truth for this run: counts, time range and, per scenario, onset and causal state event. Computed
    /// from the arrival schedule alone, without generating the events.
    /// </summary>
    public SimulationManifest Manifest => _manifest.Value;

    /// <summary>
    /// The fleet's events in non-decreasing timestamp order. Each enumeration starts afresh and yields the same
    /// sequence. Before an agent's decision come any state events that take effect with it, so a drift's causal
    /// state event immediately precedes its first drifted decision.
    /// </summary>
    public IEnumerable<SimulatedRecord> Generate()
    {
        var agents = _plan.Agents;
        var models = new AgentModel[agents.Length];
        for (var a = 0; a < agents.Length; a++)
        {
            models[a] = new AgentModel(agents[a], Options);
        }

        var start = Options.Start;
        foreach (var slot in FleetSchedule.Walk(_plan))
        {
            var model = models[slot.Agent];
            var timestamp = start.AddTicks(slot.TimeMs * TimeSpan.TicksPerMillisecond);
            for (var b = 0; b < slot.BackgroundStates; b++)
            {
                yield return new SimulatedRecord(model.Background(timestamp));
            }

            foreach (var planned in agents[slot.Agent].Scenarios)
            {
                if (planned.OnsetIndex == slot.DecisionIndex)
                {
                    yield return new SimulatedRecord(model.Causal(planned, timestamp));
                }
            }

            if (!_rolledBack.IsEmpty)
            {
                model.RolledBack = _rolledBack.ContainsKey(agents[slot.Agent].Profile.AgentId);
            }

            yield return new SimulatedRecord(model.Decision(slot.DecisionIndex, timestamp));
        }
    }
}
