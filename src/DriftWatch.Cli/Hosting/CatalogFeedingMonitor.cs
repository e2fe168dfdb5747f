using DriftWatch.Api.Rollback;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// Lets the rollback planner see the versions and state changes that detection sees: the baseline an
/// alert rolls back to is the agent_version/state_version of the same reference window.
/// </summary>
internal sealed class CatalogFeedingMonitor(IDriftMonitor inner, InMemoryBaselineCatalog catalog) : IDriftMonitor
{
    public DetectionStep Observe(DecisionEvent decision)
    {
        catalog.Observe(decision);
        return inner.Observe(decision);
    }

    public void Observe(StateEvent state)
    {
        catalog.Observe(state);
        inner.Observe(state);
    }
}
