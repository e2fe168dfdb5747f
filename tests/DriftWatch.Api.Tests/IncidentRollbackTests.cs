using System.Net;
using DriftWatch.Api.Audit;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;

namespace DriftWatch.Api.Tests;

/// <summary>One rollback per incident: alerts of several features of one drift execute once, against a real runtime.</summary>
public sealed class IncidentRollbackTests
{
    private const string Overall = "decision.outcome";
    private static readonly DateTimeOffset StartsAt = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Post_PerFeatureAlertsOfOneIncident_OneRollbackExecutedOthersDuplicate()
    {
        await using var scenario = await Scenario.StartAsync();
        scenario.Incidents = DirectoryOf(Payloads.Feature, Overall);
        await scenario.RestartApiAsync();

        using var first = await scenario.PostAlertmanagerAsync(Payloads.Alertmanager("firing", Payloads.Labels(), "aaaa", StartsAt));
        using var second = await scenario.PostAlertmanagerAsync(Payloads.Alertmanager("firing", Payloads.Labels(feature: Overall), "bbbb", StartsAt.AddSeconds(20)));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, scenario.Applied);
        var decisions = (await scenario.AuditAsync()).Where(static r => r.Kind == AuditKinds.Decision).ToList();
        Assert.Equal([AuditDecisions.Executed, AuditDecisions.Duplicate], decisions.Select(static d => d.Decision));
        Assert.All(decisions, d => Assert.EndsWith(":incident:" + IncidentId, d.AlertKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_PerFeatureAlertsWithoutIncidentDirectory_EachEpisodeExecutes()
    {
        await using var scenario = await Scenario.StartAsync();

        using var first = await scenario.PostAlertmanagerAsync(Payloads.Alertmanager("firing", Payloads.Labels(), "aaaa", StartsAt));
        using var second = await scenario.PostAlertmanagerAsync(Payloads.Alertmanager("firing", Payloads.Labels(feature: Overall), "bbbb", StartsAt.AddSeconds(20)));

        Assert.Equal(2, scenario.Applied);
    }

    [Fact]
    public async Task Post_IncidentLabelOnAlertsOfTwoFeatures_OneRollbackExecuted()
    {
        await using var scenario = await Scenario.StartAsync();
        var labels = Payloads.Labels();
        labels["incident"] = "inc-0123456789abcdef";
        var other = Payloads.Labels(feature: Overall);
        other["incident"] = "inc-0123456789abcdef";

        using var first = await scenario.PostAlertmanagerAsync(Payloads.Alertmanager("firing", labels, "aaaa", StartsAt));
        using var second = await scenario.PostAlertmanagerAsync(Payloads.Alertmanager("firing", other, "bbbb", StartsAt.AddSeconds(20)));

        Assert.Equal(1, scenario.Applied);
    }

    [Fact]
    public async Task Post_SameAlertAfterRestartWithEmptyDirectory_IsDuplicate()
    {
        await using var scenario = await Scenario.StartAsync();
        scenario.Incidents = DirectoryOf(Payloads.Feature, Overall);
        await scenario.RestartApiAsync();
        var alert = Payloads.Alertmanager("firing", Payloads.Labels(), "aaaa", StartsAt);
        using var first = await scenario.PostAlertmanagerAsync(alert);

        // A restarted service knows no incidents until its detectors raise new ones.
        scenario.Incidents = new IncidentDirectory();
        await scenario.RestartApiAsync();
        using var again = await scenario.PostAlertmanagerAsync(alert);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, scenario.Applied);
        Assert.Equal(AuditDecisions.Duplicate, (await scenario.AuditAsync()).Last(static r => r.Kind == AuditKinds.Decision).Decision);
    }

    private static string IncidentId { get; } = IncidentTracker.IdOf(Alert(Payloads.Feature));

    private static IncidentDirectory DirectoryOf(params string[] features)
    {
        var tracker = new IncidentTracker();
        var directory = new IncidentDirectory();
        foreach (var incident in tracker.Observe(new DetectionStep([], [.. features.Select(Alert)], [])))
        {
            directory.Record(incident);
        }

        return directory;
    }

    private static DriftAlert Alert(string feature) => new(
        new BehaviourKey(Scenario.AgentId, "production", "route"),
        feature,
        "chi2",
        40,
        10,
        AlertSeverity.Critical,
        StartsAt,
        StartsAt.AddMinutes(-5),
        StartsAt,
        "moved",
        []);
}
