using DriftWatch.Core.Events;

namespace DriftWatch.Core.Sync;

/// <summary>
/// The state of one agent in one environment, folded from its state events: per key the last change wins.
/// Events are applied in event-time order (file order breaks ties), so a recording that interleaves
/// producers still gives the state the agent ended with.
/// </summary>
public sealed class EnvironmentState
{
    private readonly Dictionary<string, StateEvent> _last = new(StringComparer.Ordinal);

    private EnvironmentState(string agentId, string environment)
    {
        AgentId = agentId;
        Environment = environment;
    }

    public string AgentId { get; }

    public string Environment { get; }

    /// <summary>Keys currently set, with the change that set them.</summary>
    public IReadOnlyDictionary<string, StateEvent> Keys => _last;

    /// <summary>State events of this agent and environment seen while folding (other agents and environments are skipped).</summary>
    public int ChangesSeen { get; private set; }

    /// <summary>Folds the events of <paramref name="agentId"/> in <paramref name="environment"/>; the others are ignored.</summary>
    public static EnvironmentState Fold(string agentId, string environment, IEnumerable<StateEvent> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var state = new EnvironmentState(agentId, environment);
        var ordered = changes
            .Where(c => string.Equals(c.AgentId, agentId, StringComparison.Ordinal) && string.Equals(c.Environment, environment, StringComparison.Ordinal))
            .Select(static (c, i) => (Change: c, Index: i))
            .OrderBy(static p => p.Change.Timestamp)
            .ThenBy(static p => p.Index);
        foreach (var (change, _) in ordered)
        {
            state.ChangesSeen++;
            if (change.Op == StateOperation.Delete)
            {
                state._last.Remove(change.Key);
            }
            else
            {
                state._last[change.Key] = change;
            }
        }

        return state;
    }
}
