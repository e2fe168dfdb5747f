using DriftWatch.Core.Events;
using DriftWatch.Simulation.Internal;

namespace DriftWatch.Simulation;

/// <summary>
/// The same seeded fleet running in two environments whose agent state diverges by known keys: the reference
/// environment (<see cref="SimulationOptions.Environment"/>) runs without drift, the other one with the
/// options' scenarios, so each scenario's <see cref="DriftScenario.CausalStateKey"/> is set in the other
/// environment only. Both start from the same state (every background key of every agent set to the same
/// value at the start); background state changes are off, so the injected keys are exactly the keys that differ.
/// </summary>
public sealed class EnvironmentPairSimulator
{
    private readonly FleetSimulator _reference;
    private readonly FleetSimulator _other;

    /// <param name="options">The fleet; its scenarios are injected in <paramref name="otherEnvironment"/> only.</param>
    /// <param name="otherEnvironment">The environment that diverges, e.g. <c>staging</c>.</param>
    /// <exception cref="ArgumentException">A setting is out of range, or both environments are the same.</exception>
    public EnvironmentPairSimulator(SimulationOptions options, string otherEnvironment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(otherEnvironment);
        if (string.Equals(options.Environment, otherEnvironment, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The other environment must differ from '{options.Environment}'.", nameof(otherEnvironment));
        }

        _reference = new FleetSimulator(Copy(options, options.Environment, []));
        _other = new FleetSimulator(Copy(options, otherEnvironment, options.Scenarios));
    }

    /// <summary>The reference environment (no drift).</summary>
    public string ReferenceEnvironment => _reference.Options.Environment;

    /// <summary>The environment with the injected drifts.</summary>
    public string OtherEnvironment => _other.Options.Environment;

    /// <summary>Ground truth of the diverging environment: per scenario its agent, onset and causal state key.</summary>
    public SimulationManifest Manifest => _other.Manifest;

    /// <summary>The state keys that differ between the environments for <paramref name="agentId"/> at the end, in order.</summary>
    public IReadOnlyList<string> DivergentKeys(string agentId) =>
        Manifest.Scenarios.Where(s => s.AgentId == agentId).Select(static s => s.CausalStateKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Both environments' events, each agent's shared starting state first, then merged in timestamp order.</summary>
    public IEnumerable<SimulatedRecord> Generate()
    {
        foreach (var environment in new[] { ReferenceEnvironment, OtherEnvironment })
        {
            foreach (var state in StartingState(environment))
            {
                yield return new SimulatedRecord(state);
            }
        }

        using var a = _reference.Generate().GetEnumerator();
        using var b = _other.Generate().GetEnumerator();
        bool hasA = a.MoveNext(), hasB = b.MoveNext();
        while (hasA || hasB)
        {
            if (hasA && (!hasB || a.Current.Timestamp <= b.Current.Timestamp))
            {
                yield return a.Current;
                hasA = a.MoveNext();
            }
            else
            {
                yield return b.Current;
                hasB = b.MoveNext();
            }
        }
    }

    private IEnumerable<StateEvent> StartingState(string environment)
    {
        var options = _reference.Options;
        var ids = options.AgentIds();
        for (var agent = 0; agent < ids.Count; agent++)
        {
            for (var key = 0; key < StateValues.BackgroundKeys.Length; key++)
            {
                // Same seed, agent and key give the same value in both environments.
                var choice = (int)(SimRandom.Derive(options.Seed, agent, FleetPlan.ContentStream, 1000 + key) % 3);
                yield return new StateEvent
                {
                    EventId = $"{ids[agent]}-{environment}-start-{key}",
                    AgentId = ids[agent],
                    Environment = environment,
                    Timestamp = options.Start,
                    Key = StateValues.BackgroundKeys[key],
                    Op = StateOperation.Set,
                    Value = StateValues.BackgroundValue(key, choice),
                };
            }
        }
    }

    private static SimulationOptions Copy(SimulationOptions options, string environment, IEnumerable<DriftScenario> scenarios) => new()
    {
        Seed = options.Seed,
        Agents = options.Agents,
        Events = options.Events,
        EventsPerSecond = options.EventsPerSecond,
        Start = options.Start,
        Environment = environment,
        StateChangeEvery = 0,
        Scenarios = [.. scenarios],
    };
}
