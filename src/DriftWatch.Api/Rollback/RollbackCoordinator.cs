using System.Collections.Concurrent;
using DriftWatch.Api.Audit;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Metrics;
using DriftWatch.Api.Security;
using DriftWatch.Api.Tracing;
using DriftWatch.Api.Webhooks;
using DriftWatch.Core.Results;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Api.Rollback;

/// <summary>
/// Turns an authenticated notification into audited decisions and, for new firing alerts of allowed agents,
/// executed rollbacks. A notification is checked as a whole first (labels, known agents), so a bad one
/// changes nothing. Each alert episode of an agent executes at most once, and so does each incident: the key is
/// (agent, incident) when the alert's incident is known (an <c>incident</c> label, or the
/// <see cref="Incidents"/> directory for per-feature alerts), else (agent, fingerprint, start); it is remembered after a successful execution and reloaded from the audit file at start; a delivery of the
/// same episode while it is executing joins that execution instead of starting another. Deliveries of
/// different agents run concurrently (at most <see cref="RollbackOptions.MaxConcurrentDeliveries"/>); one
/// agent's run one after another, so a slow or unreachable runtime delays only its own agent.
/// </summary>
internal sealed partial class RollbackCoordinator : IDisposable
{
    /// <summary>How long a sender waits before delivering again while detection state is being restored.</summary>
    internal static readonly TimeSpan RestoringRetryAfter = TimeSpan.FromSeconds(5);

    private readonly RollbackOptions _options;
    private readonly HashSet<string> _allowed;
    private readonly RollbackPlanner _planner;
    private readonly IRollbackExecutor _executor;
    private readonly AuditLog _audit;
    private readonly DriftMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private readonly SemaphoreSlim _deliverySlots;
    private readonly AlertTraceRegistry? _traces;

    // One gate per allowed agent (a configured, bounded set), created on first use.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _agentGates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<AlertOutcome>> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _executed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _dryRun = new(StringComparer.Ordinal);

    // A started delivery finishes even when the webhook caller hangs up; only shutdown stops it.
    private readonly CancellationTokenSource _stopping = new();

    public RollbackCoordinator(
        RollbackOptions options,
        RollbackPlanner planner,
        IRollbackExecutor executor,
        AuditLog audit,
        DriftMetrics metrics,
        TimeProvider time,
        ILogger logger,
        AlertTraceRegistry? traces = null)
    {
        _traces = traces;
        _options = options;
        _allowed = new HashSet<string>(options.AllowedAgents, StringComparer.Ordinal);
        _planner = planner;
        _executor = executor;
        _audit = audit;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _deliverySlots = new SemaphoreSlim(options.MaxConcurrentDeliveries, options.MaxConcurrentDeliveries);
    }

    /// <summary>The idempotency key of one alert episode of one agent.</summary>
    internal static string KeyOf(string agentId, string alertKey) => $"{agentId}:{alertKey}";

    /// <summary>Label naming the incident of an alert (set by rules that fire on incidents).</summary>
    internal const string IncidentLabel = "incident";

    /// <summary>
    /// Maps per-feature alerts to their incident. With it, every alert of one incident shares the key
    /// <c>agent:incident:ID</c>, so one drift executes one rollback however many features alert.
    /// </summary>
    public Core.Incidents.IncidentDirectory? Incidents { get; init; }

    /// <summary>
    /// The alert episode key an audit record was received for. An execution under an incident key also marks its
    /// episode, so a redelivery that reaches a restarted instance, which no longer knows the incident, is still a
    /// duplicate.
    /// </summary>
    internal static string? EpisodeKeyOf(AuditRecord record) =>
        record is { AgentId: { } agent, Fingerprint: { } fingerprint, StartsAt: { } startsAt }
            ? KeyOf(agent, new ReceivedAlert(true, EmptyLabels, EmptyLabels, startsAt, fingerprint).Key)
            : null;

    private static readonly Dictionary<string, string> EmptyLabels = [];

    /// <summary>The idempotency key of an alert: its incident when known (label or directory), else its episode.</summary>
    internal string KeyOf(ReceivedAlert alert, AlertSubject subject)
    {
        var incident = alert.Labels.TryGetValue(IncidentLabel, out var label) && !string.IsNullOrWhiteSpace(label)
            ? label
            : Incidents?.IncidentOf(subject.AgentId, subject.Environment, subject.Decision, subject.Feature);
        return KeyOf(subject.AgentId, incident is null ? alert.Key : $"incident:{incident}");
    }

    /// <summary>Reloads the keys of alerts already executed (or dry-run) from the audit trail.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await foreach (var record in AuditTrailReader.ReadAsync(_audit.Path, cancellationToken))
        {
            if (record is { Kind: AuditKinds.Decision, AlertKey: { } key })
            {
                // Trails written before keys named the agent hold the bare episode key.
                if (record.AgentId is { } agent && !key.StartsWith(agent + ":", StringComparison.Ordinal))
                {
                    key = KeyOf(agent, key);
                }

                _ = record.Decision switch
                {
                    AuditDecisions.Executed => _executed.TryAdd(key, 0),
                    AuditDecisions.DryRun => _dryRun.TryAdd(key, 0),
                    _ => false,
                };
                if (record.Decision is AuditDecisions.Executed or AuditDecisions.DryRun && EpisodeKeyOf(record) is { } episode && episode != key)
                {
                    _ = record.Decision == AuditDecisions.Executed ? _executed.TryAdd(episode, 0) : _dryRun.TryAdd(episode, 0);
                }
            }
        }

        LogLoaded(_executed.Count, _dryRun.Count);
    }

    public async Task<NotificationOutcome> HandleAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        var source = RollbackPlanner.SourceName(notification.Source);
        var items = new List<(ReceivedAlert Alert, AlertSubject Subject, RollbackCommand? Plan)>(notification.Alerts.Count);
        var errors = new List<string>();
        var restoring = new List<string>();
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
                if (plan is null && !_planner.CatalogComplete)
                {
                    // The agent may be on a partition whose checkpoints are still being restored.
                    restoring.Add($"alerts[{i}] (fingerprint {alert.Fingerprint}): agent '{subject.AgentId}' in environment '{subject.Environment}' is not known yet: detection state is still being restored");
                    continue;
                }

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
            var detail = SecretRedactor.RedactText(string.Join("; ", errors));
            await _audit.AppendAsync(new AuditRecord { Time = _time.GetUtcNow(), Kind = AuditKinds.Rejected, Source = source, Detail = detail }, cancellationToken);
            LogRejected(source, detail);
            return NotificationOutcome.Rejected(422, detail);
        }

        if (restoring.Count > 0)
        {
            // Nothing of the notification runs yet: the sender delivers all of it again, as after a failed delivery.
            var detail = SecretRedactor.RedactText(string.Join("; ", restoring));
            await _audit.AppendAsync(new AuditRecord { Time = _time.GetUtcNow(), Kind = AuditKinds.Rejected, Source = source, Detail = detail }, cancellationToken);
            LogDeferred(source, detail);
            return NotificationOutcome.Rejected(503, detail) with { RetryAfter = RestoringRetryAfter };
        }

        // Alerts of different agents in one notification do not wait for each other either.
        var outcomes = await Task.WhenAll(items.Select(item => DecideAsync(source, item.Alert, item.Subject, item.Plan, cancellationToken)));
        var failed = outcomes.Any(static o => o.Decision == AuditDecisions.Failed);

        // 503 makes Alertmanager and Grafana deliver again; the failed alert then executes on the retry.
        return new NotificationOutcome(failed ? 503 : 200, outcomes, failed ? "a rollback could not be delivered" : null);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _deliverySlots.Dispose();
    }

    private async Task<AlertOutcome> DecideAsync(
        string source,
        ReceivedAlert alert,
        AlertSubject subject,
        RollbackCommand? plan,
        CancellationToken cancellationToken)
    {
        // The delivery below runs under this span (the execution context flows into RunAsync), so the command
        // published for it carries the alert's trace.
        using var activity = ApiTracing.StartWebhook(_traces, subject.AgentId, subject.Environment, subject.Feature, source);
        var key = KeyOf(alert, subject);
        var template = new AuditRecord
        {
            Time = _time.GetUtcNow(),
            Kind = AuditKinds.Received,
            Source = source,
            AlertKey = key,
            Fingerprint = alert.Fingerprint,
            StartsAt = alert.StartsAt,
            Status = alert.Firing ? "firing" : "resolved",
            AgentId = subject.AgentId,
            Environment = subject.Environment,
            Feature = subject.Feature,
        };
        // Joining (or owning) is decided before the received record is written, so anyone who reads that record
        // knows this delivery will not start a second execution.
        TaskCompletionSource<AlertOutcome>? mine = null;
        Task<AlertOutcome>? running = null;
        if (plan is not null && _allowed.Contains(subject.AgentId) && !AlreadyHandled(key) && !AlreadyHandled(KeyOf(subject.AgentId, alert.Key)))
        {
            mine = new TaskCompletionSource<AlertOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            running = _running.GetOrAdd(key, mine.Task);
        }

        var owner = running is not null && running == mine!.Task;
        try
        {
            await _audit.AppendAsync(template, cancellationToken);
        }
        catch (Exception ex) when (owner)
        {
            _running.TryRemove(KeyValuePair.Create(key, mine!.Task));
            mine.SetException(ex);
            throw;
        }

        if (plan is null)
        {
            return await DecisionAsync(template, AuditDecisions.Resolved, null, "resolved notifications are recorded, not executed", cancellationToken);
        }

        if (!_allowed.Contains(subject.AgentId))
        {
            return await DecisionAsync(template, AuditDecisions.NotAllowed, null, $"agent '{subject.AgentId}' is not in Rollback:AllowedAgents", cancellationToken);
        }

        if (running is null)
        {
            return await DecisionAsync(template, AuditDecisions.Duplicate, plan.CommandId, "this alert episode was already handled", cancellationToken);
        }

        if (owner)
        {
            _ = RunAsync(key, template, plan, mine!);
            return await running.WaitAsync(cancellationToken);
        }

        LogJoined(subject.AgentId, plan.CommandId);
        var joined = await running.WaitAsync(cancellationToken);
        return joined.Decision == AuditDecisions.Failed
            ? await DecisionAsync(template, AuditDecisions.Failed, plan.CommandId, $"joined the execution in progress, which failed: {joined.Detail}", cancellationToken)
            : await DecisionAsync(template, AuditDecisions.Duplicate, plan.CommandId, $"joined the execution in progress ({joined.Decision})", cancellationToken);
    }

    private bool AlreadyHandled(string key) => _executed.ContainsKey(key) || (_options.DryRun && _dryRun.ContainsKey(key));

    /// <summary>The one execution of an episode; deliveries that arrive meanwhile wait for its outcome.</summary>
    private async Task RunAsync(string key, AuditRecord template, RollbackCommand plan, TaskCompletionSource<AlertOutcome> outcome)
    {
        AlertOutcome? result = null;
        Exception? error = null;
        try
        {
            // Checked again: an execution may have finished between the first check and taking ownership.
            result = AlreadyHandled(key)
                ? await DecisionAsync(template, AuditDecisions.Duplicate, plan.CommandId, "this alert episode was already handled", _stopping.Token)
                : await ExecuteAsync(key, template, plan, _stopping.Token);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        // Out of the running set before anyone hears the outcome: a sender that retries the moment it hears of a
        // failure must start a new execution, not join the one that just failed.
        _running.TryRemove(KeyValuePair.Create(key, outcome.Task));
        if (error is null)
        {
            outcome.SetResult(result!);
        }
        else
        {
            outcome.SetException(error);
        }
    }

    private async Task<AlertOutcome> ExecuteAsync(string key, AuditRecord template, RollbackCommand plan, CancellationToken cancellationToken)
    {
        await _audit.AppendAsync(template with { Time = _time.GetUtcNow(), Kind = AuditKinds.Plan, CommandId = plan.CommandId, Command = plan }, cancellationToken);
        if (_options.DryRun)
        {
            _dryRun.TryAdd(key, 0);
            if (EpisodeKeyOf(template) is { } dryEpisode)
            {
                _dryRun.TryAdd(dryEpisode, 0);
            }

            return await DecisionAsync(template, AuditDecisions.DryRun, plan.CommandId, "dry run: planned, not executed", cancellationToken);
        }

        var delivery = await DeliverAsync(plan, cancellationToken);
        await _audit.AppendAsync(
            template with { Time = _time.GetUtcNow(), Kind = AuditKinds.Execution, CommandId = plan.CommandId, Succeeded = delivery.Succeeded, Detail = delivery.Detail },
            cancellationToken);
        if (!delivery.Succeeded)
        {
            _metrics.Increment(PipelineCounter.RollbacksFailed);
            LogFailed(plan.AgentId, plan.CommandId, SecretRedactor.RedactText(delivery.Detail));
            return await DecisionAsync(template, AuditDecisions.Failed, plan.CommandId, delivery.Detail, cancellationToken);
        }

        _executed.TryAdd(key, 0);
        if (EpisodeKeyOf(template) is { } episode)
        {
            _executed.TryAdd(episode, 0);
        }

        _metrics.Increment(PipelineCounter.RollbacksExecuted);
        LogExecuted(plan.AgentId, plan.CommandId, plan.Target.StateVersion);
        return await DecisionAsync(template, AuditDecisions.Executed, plan.CommandId, delivery.Detail, cancellationToken);
    }

    private async Task<RollbackDelivery> DeliverAsync(RollbackCommand plan, CancellationToken cancellationToken)
    {
        var gate = _agentGates.GetOrAdd(plan.AgentId, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await _deliverySlots.WaitAsync(cancellationToken);
            try
            {
                return await _executor.ExecuteAsync(plan, cancellationToken);
            }
            finally
            {
                _deliverySlots.Release();
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<AlertOutcome> DecisionAsync(AuditRecord template, string decision, string? commandId, string detail, CancellationToken cancellationToken)
    {
        detail = SecretRedactor.RedactText(detail);
        await _audit.AppendAsync(
            template with { Time = _time.GetUtcNow(), Kind = AuditKinds.Decision, Decision = decision, CommandId = commandId, Detail = detail },
            cancellationToken);
        return new AlertOutcome(template.AlertKey!, template.AgentId!, template.Feature!, decision, commandId, detail);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Loaded {Executed} executed and {DryRun} dry-run alert keys from the audit trail")]
    private partial void LogLoaded(int executed, int dryRun);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Rejected a {Source} notification: {Detail}")]
    private partial void LogRejected(string source, string detail);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Deferred a {Source} notification while detection state is restored: {Detail}")]
    private partial void LogDeferred(string source, string detail);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Rolled back agent {AgentId} to state version {StateVersion} (command {CommandId})")]
    private partial void LogExecuted(string agentId, string commandId, string? stateVersion);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Rollback of agent {AgentId} (command {CommandId}) could not be delivered: {Detail}")]
    private partial void LogFailed(string agentId, string commandId, string detail);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "A redelivered alert of agent {AgentId} joined the rollback in progress (command {CommandId})")]
    private partial void LogJoined(string agentId, string commandId);
}
