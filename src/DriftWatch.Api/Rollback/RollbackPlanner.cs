using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DriftWatch.Api.Webhooks;
using DriftWatch.Core.Events;

namespace DriftWatch.Api.Rollback;

/// <summary>The labels an alert must carry to be acted on, read once.</summary>
internal sealed record AlertSubject(string AgentId, string Environment, string Feature, string? Decision)
{
    public const string AgentLabel = "agent_id";
    public const string EnvironmentLabel = "environment";
    public const string FeatureLabel = "feature";
    public const string DecisionLabel = "decision";

    public static AlertSubject? TryRead(ReceivedAlert alert, out string? error)
    {
        var missing = new List<string>(2);
        if (!alert.Labels.TryGetValue(AgentLabel, out var agent) || string.IsNullOrWhiteSpace(agent))
        {
            missing.Add(AgentLabel);
        }

        if (!alert.Labels.TryGetValue(FeatureLabel, out var feature) || string.IsNullOrWhiteSpace(feature))
        {
            missing.Add(FeatureLabel);
        }

        if (missing.Count > 0)
        {
            error = $"missing label(s) {string.Join(", ", missing)}";
            return null;
        }

        var environment = alert.Labels.TryGetValue(EnvironmentLabel, out var env) && !string.IsNullOrWhiteSpace(env)
            ? env
            : DecisionEvent.DefaultEnvironment;
        alert.Labels.TryGetValue(DecisionLabel, out var decision);
        error = null;
        return new AlertSubject(agent!, environment, feature!, decision);
    }
}

/// <summary>Builds the rollback command for one firing alert from its labels and the baseline catalog.</summary>
internal sealed class RollbackPlanner
{
    private const string SegmentPrefix = "input.features.";

    private readonly IBaselineCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly Core.Incidents.IncidentDirectory? _incidents;

    /// <param name="catalog">Where the last good baselines are found.</param>
    /// <param name="time">The clock of <c>issued_at</c>.</param>
    /// <param name="incidents">Where the upstream cause of an alert's incident is found; null plans the agent alone.</param>
    public RollbackPlanner(IBaselineCatalog catalog, TimeProvider time, Core.Incidents.IncidentDirectory? incidents = null)
    {
        _catalog = catalog;
        _time = time;
        _incidents = incidents;
    }

    /// <summary>Whether the catalog knows every agent it will know (false while state is being restored).</summary>
    public bool CatalogComplete => _catalog.Complete;

    /// <summary>The plan, or null when no good baseline of the agent is known.</summary>
    public async Task<RollbackCommand?> PlanAsync(
        AlertSource source,
        ReceivedAlert alert,
        AlertSubject subject,
        bool dryRun,
        CancellationToken cancellationToken)
    {
        var onset = DriftOnset(alert);
        var baseline = await _catalog.FindLastGoodAsync(subject.AgentId, subject.Environment, onset, cancellationToken);
        if (baseline is null)
        {
            return null;
        }

        var segment = SegmentOf(subject.Feature);
        var revertKeys = await _catalog.FindChangedStateKeysAsync(subject.AgentId, subject.Environment, baseline, subject.Feature, onset, cancellationToken);
        return new RollbackCommand
        {
            CommandId = CommandIdOf(source, subject.AgentId, alert),
            AgentId = subject.AgentId,
            Environment = subject.Environment,
            IssuedAt = _time.GetUtcNow(),
            Target = new RollbackTarget
            {
                AgentVersion = baseline.AgentVersion,
                StateVersion = baseline.StateVersion,
                SnapshotId = baseline.SnapshotId,
            },
            Scope = new RollbackScope
            {
                Features = [subject.Feature],
                Segments = segment.Count == 0 ? [] : [segment],
            },
            RevertKeys = revertKeys,
            Reason = new RollbackReason
            {
                Source = SourceName(source),
                Fingerprint = alert.Fingerprint,
                StartsAt = alert.StartsAt,
                Feature = subject.Feature,
                Summary = SummaryOf(alert),
            },
            DryRun = dryRun,
            UpstreamFirst = await UpstreamFirstAsync(subject, cancellationToken),
        };
    }

    /// <summary>
    /// The upstream agent's rollback when the alert's incident names an upstream cause and that agent has a good
    /// baseline before its own drift; else null (the plan is this agent's alone).
    /// </summary>
    private async Task<UpstreamRollback?> UpstreamFirstAsync(AlertSubject subject, CancellationToken cancellationToken)
    {
        if (_incidents?.UpstreamOf(subject.AgentId, subject.Environment, subject.Decision, subject.Feature) is not { } upstream)
        {
            return null;
        }

        var baseline = await _catalog.FindLastGoodAsync(upstream.AgentId, subject.Environment, upstream.StartedAt, cancellationToken);
        if (baseline is null)
        {
            return null;
        }

        // The upstream drift is about its segment's routing (or its whole outcome): the keys changed for that.
        string feature = upstream.Segment is { } segment ? $"decision.outcome|{SegmentPrefix}{segment}" : "decision.outcome";
        var keys = await _catalog.FindChangedStateKeysAsync(upstream.AgentId, subject.Environment, baseline, feature, upstream.StartedAt, cancellationToken);
        return new UpstreamRollback
        {
            AgentId = upstream.AgentId,
            IncidentId = upstream.IncidentId,
            Share = upstream.Share,
            Target = new RollbackTarget { AgentVersion = baseline.AgentVersion, StateVersion = baseline.StateVersion, SnapshotId = baseline.SnapshotId },
            RevertKeys = keys,
        };
    }

    public static string SourceName(AlertSource source) => source == AlertSource.Grafana ? "grafana" : "alertmanager";

    /// <summary>
    /// The segment a conditional feature is about: <c>decision.outcome|input.features.urgency=high</c> is
    /// about urgency=high. Plain features are about all traffic.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> SegmentOf(string feature)
    {
        var segment = new Dictionary<string, string>(StringComparer.Ordinal);
        var bar = feature.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return segment;
        }

        foreach (var condition in feature[(bar + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = condition.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !condition.StartsWith(SegmentPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            segment[condition[SegmentPrefix.Length..equals]] = condition[(equals + 1)..];
        }

        return segment;
    }

    // The detector's window start is closer to the drift onset than the alert's start, which lags behind it
    // by scrape, evaluation and pending times.
    private static DateTimeOffset DriftOnset(ReceivedAlert alert) =>
        alert.Annotations.TryGetValue("window_start", out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var windowStart)
            ? windowStart
            : alert.StartsAt;

    private static string? SummaryOf(ReceivedAlert alert) =>
        alert.Annotations.TryGetValue("summary", out var summary) ? summary
        : alert.Annotations.TryGetValue("description", out var description) ? description
        : null;

    // Derived from the agent's alert episode, so a redelivery that slips past deduplication still carries the
    // same id, and two agents whose alerts share a fingerprint and start get different ids.
    private static string CommandIdOf(AlertSource source, string agentId, ReceivedAlert alert)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{SourceName(source)}/{agentId}/{alert.Key}"));
        return new Guid(hash.AsSpan(0, 16)).ToString("D");
    }
}
