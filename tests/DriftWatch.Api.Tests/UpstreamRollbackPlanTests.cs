using DriftWatch.Api.Rollback;
using DriftWatch.Api.Webhooks;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;
using Microsoft.Extensions.Time.Testing;

namespace DriftWatch.Api.Tests;

/// <summary>A plan for an incident traced to an upstream agent lists that agent's rollback first.</summary>
public sealed class UpstreamRollbackPlanTests
{
    private const string Feature = "input.features.urgency";
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PlanAsync_IncidentNamesUpstreamCause_PlanListsTheUpstreamRollbackFirst()
    {
        var directory = Directory(new IncidentUpstream("support-router", "inc-0123456789abcdef", T0.AddMinutes(50), 0.64, "urgency=high"));
        var planner = new RollbackPlanner(Catalog(), new FakeTimeProvider(T0.AddHours(1)), directory);

        var plan = await planner.PlanAsync(AlertSource.Alertmanager, Alert(), Subject(), dryRun: false, CancellationToken.None);

        Assert.NotNull(plan);
        Assert.Equal("support-responder", plan.AgentId);
        Assert.NotNull(plan.UpstreamFirst);
        Assert.Equal("support-router", plan.UpstreamFirst.AgentId);
        Assert.Equal("inc-0123456789abcdef", plan.UpstreamFirst.IncidentId);
        Assert.Equal("router-good", plan.UpstreamFirst.Target.AgentVersion);
        Assert.Contains("\"upstream_first\"", RollbackJson.SerializeToString(plan), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_IncidentWithoutUpstream_PlanHasNoUpstreamRollback()
    {
        var planner = new RollbackPlanner(Catalog(), new FakeTimeProvider(T0.AddHours(1)), Directory(upstream: null));

        var plan = await planner.PlanAsync(AlertSource.Alertmanager, Alert(), Subject(), dryRun: false, CancellationToken.None);

        Assert.NotNull(plan);
        Assert.Null(plan.UpstreamFirst);
        Assert.DoesNotContain("upstream_first", RollbackJson.SerializeToString(plan), StringComparison.Ordinal);
    }

    private static AlertSubject Subject() => new("support-responder", "production", Feature, "reply");

    private static ReceivedAlert Alert() => new(true, new Dictionary<string, string>(), new Dictionary<string, string>(), T0.AddMinutes(52), "abcd");

    private static IncidentDirectory Directory(IncidentUpstream? upstream)
    {
        var key = new BehaviourKey("support-responder", "production", "reply");
        var alert = new DriftAlert(key, Feature, "chi2", 40, 10, AlertSeverity.Critical, T0.AddMinutes(52), T0.AddMinutes(51), T0.AddMinutes(52), "moved", []);
        var incident = new IncidentTracker().Observe(new DetectionStep([], [alert], []))[0] with { Upstream = upstream };
        var directory = new IncidentDirectory();
        directory.Record(incident);
        return directory;
    }

    // Both agents ran their good versions for the first 40 minutes.
    private static InMemoryBaselineCatalog Catalog()
    {
        var catalog = new InMemoryBaselineCatalog(referenceEvents: 10);
        for (int i = 0; i < 40; i++)
        {
            catalog.Observe(Decision("support-router", "route", "router-good", T0.AddMinutes(i)));
            catalog.Observe(Decision("support-responder", "reply", "responder-good", T0.AddMinutes(i)));
        }

        return catalog;
    }

    private static DecisionEvent Decision(string agent, string name, string version, DateTimeOffset at) => new()
    {
        EventId = Guid.NewGuid().ToString(),
        AgentId = agent,
        AgentVersion = version,
        Timestamp = at,
        DecisionName = name,
        Outcome = "x",
    };
}
