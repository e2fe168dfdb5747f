using DriftWatch.Api.Audit;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Metrics;
using DriftWatch.Api.Webhooks;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Api.Rollback;

/// <summary>
/// Turns an authenticated notification into audited decisions and, for new firing alerts of allowed agents,
/// executed rollbacks. A notification is checked as a whole first (labels, known agents), so a bad one
/// changes nothing. Each alert episode executes at most once: its key is remembered after a successful
/// execution, and the keys are reloaded from the audit file at start.
/// </summary>
internal sealed partial class RollbackCoordinator
{
    private readonly RollbackOptions _options;
    private readonly HashSet<string> _allowed;
    private readonly RollbackPlanner _planner;
    private readonly IRollbackExecutor _executor;
    private readonly AuditLog _audit;
    private readonly DriftMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Rollbacks are rare; one at a time keeps deduplication simple and exact across concurrent deliveries.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<string> _executed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dryRun = new(StringComparer.Ordinal);

    public RollbackCoordinator(
        RollbackOptions options,
        RollbackPlanner planner,
        IRollbackExecutor executor,
        AuditLog audit,
        DriftMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _options = options;
        _allowed = new HashSet<string>(options.AllowedAgents, StringComparer.Ordinal);
        _planner = planner;
        _executor = executor;
        _audit = audit;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Reloads the keys of alerts already executed (or dry-run) from the audit trail.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await foreach (var record in AuditTrailReader.ReadAsync(_audit.Path, cancellationToken))
        {
            if (record is { Kind: AuditKinds.Decision, AlertKey: { } key })
            {
                _ = record.Decision switch
                {
                    AuditDecisions.Executed => _executed.Add(key),
                    AuditDecisions.DryRun => _dryRun.Add(key),
                    _ => false,
                };
            }
        }

        LogLoaded(_executed.Count, _dryRun.Count);
    }

    public async Task<NotificationOutcome> HandleAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await HandleLockedAsync(notification, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<NotificationOutcome> HandleLockedAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        var source = RollbackPlanner.SourceName(notification.Source);
        var items = new List<(ReceivedAlert Alert, AlertSubject Subject, RollbackCommand? Plan)>(notification.Alerts.Count);
        var errors = new List<string>();
        for (var i = 0; i < notification.Alerts.Count; i++)
        {
            var alert = notification.Alerts[i];
            var subject = AlertSubject.TryRead(alert, out var error);
            if (subject is null)
            {
                errors.Add($"alerts[{i}] (fingerprint {alert.Fingerprint}): {error}");
                continue;
            }

            RollbackCommand? plan = null;
            if (alert.Firing)
            {
                plan = await _planner.PlanAsync(notification.Source, alert, subject, _options.DryRun, cancellationToken);
                if (plan is null)
                {
                    errors.Add($"alerts[{i}] (fingerprint {alert.Fingerprint}): unknown agent '{subject.AgentId}' in environment '{subject.Environment}': no good baseline is known");
                    continue;
                }
            }

            items.Add((alert, subject, plan));
        }

        if (errors.Count > 0)
        {
            var detail = string.Join("; ", errors);
            await _audit.AppendAsync(new AuditRecord { Time = _time.GetUtcNow(), Kind = AuditKinds.Rejected, Source = source, Detail = detail }, cancellationToken);
            LogRejected(source, detail);
            return NotificationOutcome.Rejected(422, detail);
        }

        var outcomes = new List<AlertOutcome>(items.Count);
        var failed = false;
        foreach (var (alert, subject, plan) in items)
        {
            var outcome = await DecideAsync(source, alert, subject, plan, cancellationToken);
            failed |= outcome.Decision == AuditDecisions.Failed;
            outcomes.Add(outcome);
        }

        // 503 makes Alertmanager and Grafana deliver again; the failed alert then executes on the retry.
        return new NotificationOutcome(failed ? 503 : 200, outcomes, failed ? "a rollback could not be delivered" : null);
    }

    private async Task<AlertOutcome> DecideAsync(
        string source,
        ReceivedAlert alert,
        AlertSubject subject,
        RollbackCommand? plan,
        CancellationToken cancellationToken)
    {
        var template = new AuditRecord
        {
            Time = _time.GetUtcNow(),
            Kind = AuditKinds.Received,
            Source = source,
            AlertKey = alert.Key,
            Fingerprint = alert.Fingerprint,
            StartsAt = alert.StartsAt,
            Status = alert.Firing ? "firing" : "resolved",
            AgentId = subject.AgentId,
            Environment = subject.Environment,
            Feature = subject.Feature,
        };
        await _audit.AppendAsync(template, cancellationToken);

        if (plan is null)
        {
            return await DecisionAsync(template, AuditDecisions.Resolved, null, "resolved notifications are recorded, not executed", cancellationToken);
        }

        if (!_allowed.Contains(subject.AgentId))
        {
            return await DecisionAsync(template, AuditDecisions.NotAllowed, null, $"agent '{subject.AgentId}' is not in Rollback:AllowedAgents", cancellationToken);
        }

        if (_executed.Contains(alert.Key) || (_options.DryRun && _dryRun.Contains(alert.Key)))
        {
            return await DecisionAsync(template, AuditDecisions.Duplicate, plan.CommandId, "this alert episode was already handled", cancellationToken);
        }

        await _audit.AppendAsync(template with { Time = _time.GetUtcNow(), Kind = AuditKinds.Plan, CommandId = plan.CommandId, Command = plan }, cancellationToken);
        if (_options.DryRun)
        {
            _dryRun.Add(alert.Key);
            return await DecisionAsync(template, AuditDecisions.DryRun, plan.CommandId, "dry run: planned, not executed", cancellationToken);
        }

        var delivery = await _executor.ExecuteAsync(plan, cancellationToken);
        await _audit.AppendAsync(
            template with { Time = _time.GetUtcNow(), Kind = AuditKinds.Execution, CommandId = plan.CommandId, Succeeded = delivery.Succeeded, Detail = delivery.Detail },
            cancellationToken);
        if (!delivery.Succeeded)
        {
            _metrics.Increment(PipelineCounter.RollbacksFailed);
            LogFailed(subject.AgentId, plan.CommandId, delivery.Detail);
            return await DecisionAsync(template, AuditDecisions.Failed, plan.CommandId, delivery.Detail, cancellationToken);
        }

        _executed.Add(alert.Key);
        _metrics.Increment(PipelineCounter.RollbacksExecuted);
        LogExecuted(subject.AgentId, plan.CommandId, plan.Target.StateVersion);
        return await DecisionAsync(template, AuditDecisions.Executed, plan.CommandId, delivery.Detail, cancellationToken);
    }

    private async Task<AlertOutcome> DecisionAsync(AuditRecord template, string decision, string? commandId, string detail, CancellationToken cancellationToken)
    {
        await _audit.AppendAsync(
            template with { Time = _time.GetUtcNow(), Kind = AuditKinds.Decision, Decision = decision, CommandId = commandId, Detail = detail },
            cancellationToken);
        return new AlertOutcome(template.AlertKey!, template.AgentId!, template.Feature!, decision, commandId, detail);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Loaded {Executed} executed and {DryRun} dry-run alert keys from the audit trail")]
    private partial void LogLoaded(int executed, int dryRun);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Rejected a {Source} notification: {Detail}")]
    private partial void LogRejected(string source, string detail);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Rolled back agent {AgentId} to state version {StateVersion} (command {CommandId})")]
    private partial void LogExecuted(string agentId, string commandId, string? stateVersion);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Rollback of agent {AgentId} (command {CommandId}) could not be delivered: {Detail}")]
    private partial void LogFailed(string agentId, string commandId, string detail);
}
