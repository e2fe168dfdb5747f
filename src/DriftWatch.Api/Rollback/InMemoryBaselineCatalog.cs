using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Api.Rollback;

/// <summary>
/// A baseline catalog fed the events it is shown, for an API that runs without the detection stream (the
/// stream's own catalog is <see cref="MonitorBaselineCatalog"/>). It keeps the same <see cref="AgentHistory"/>
/// per agent and environment as the monitor does, and plans with the same rule: the versions seen in the first
/// <c>referenceEvents</c> decisions form the reference window, the newest of them seen before a drift began
/// is the last good baseline, and the state changes after it are ranked as causes. Thread-safe.
/// </summary>
public sealed class InMemoryBaselineCatalog : HistoryBaselineCatalog
{
    private readonly int _referenceEvents;
    private readonly int _maxStateChanges;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Agent, string Env), AgentHistory> _agents = [];

    /// <summary>
    /// Creates a catalog whose reference window is the first <paramref name="referenceEvents"/> decisions of
    /// an agent, keeping at most <paramref name="maxStateChanges"/> recent state changes per agent.
    /// </summary>
    public InMemoryBaselineCatalog(int referenceEvents = 2000, int maxStateChanges = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(referenceEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStateChanges, 1);
        _referenceEvents = referenceEvents;
        _maxStateChanges = maxStateChanges;
    }

    /// <summary>Records the versions a decision ran with.</summary>
    public void Observe(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        HistoryOf(decision.AgentId, decision.Environment).Observe(decision, _referenceEvents);
    }

    /// <summary>Records a state change, so a rollback can name the keys changed since the baseline.</summary>
    public void Observe(StateEvent state)
    {
        ArgumentNullException.ThrowIfNull(state);
        HistoryOf(state.AgentId, state.Environment).Observe(state);
    }

    /// <inheritdoc />
    protected override AgentHistory? History(string agentId, string environment)
    {
        lock (_gate)
        {
            return _agents.GetValueOrDefault((agentId, environment));
        }
    }

    private AgentHistory HistoryOf(string agentId, string environment)
    {
        lock (_gate)
        {
            if (!_agents.TryGetValue((agentId, environment), out var history))
            {
                history = new AgentHistory(agentId, environment, _maxStateChanges);
                _agents.Add((agentId, environment), history);
            }

            return history;
        }
    }
}
