using DriftWatch.Api.Metrics;
using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;

namespace DriftWatch.Api.Tests;

public sealed class IncidentGaugeTests
{
    [Fact]
    public void Record_OpenedUpdatedResolved_GaugeCountsOpenIncidentsPerAgentAndReturnsToZero()
    {
        var metrics = new DriftMetrics();

        metrics.Record(Incident("inc-1", IncidentStatus.Opened));
        metrics.Record(Incident("inc-1", IncidentStatus.Updated));
        metrics.Record(Incident("inc-2", IncidentStatus.Opened));
        metrics.Record(Incident("inc-3", IncidentStatus.Opened, agent: "billing-triage"));
        string twoOpen = metrics.ToPrometheusText();
        metrics.Record(Incident("inc-1", IncidentStatus.Resolved));
        metrics.Record(Incident("inc-2", IncidentStatus.Resolved));
        metrics.Record(Incident("inc-2", IncidentStatus.Resolved));
        string noneOpen = metrics.ToPrometheusText();

        Assert.Contains("# TYPE driftwatch_incidents_open gauge\n", twoOpen, StringComparison.Ordinal);
        Assert.Contains("driftwatch_incidents_open{agent_id=\"router-a\",environment=\"production\"} 2\n", twoOpen, StringComparison.Ordinal);
        Assert.Contains("driftwatch_incidents_open{agent_id=\"router-a\",environment=\"production\"} 0\n", noneOpen, StringComparison.Ordinal);
        Assert.Contains("driftwatch_incidents_open{agent_id=\"billing-triage\",environment=\"production\"} 1\n", noneOpen, StringComparison.Ordinal);
        Assert.Equal(0, metrics.OpenIncidents("router-a", "production"));
    }

    private static Incident Incident(string id, IncidentStatus status, string agent = "router-a") => new(
        id,
        new BehaviourKey(agent, "production", "route"),
        status,
        DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch,
        [],
        []);
}
