using Confluent.Kafka;
using DriftWatch.Api.Audit;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Rollback;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Api.Sync;

/// <summary>What <see cref="StateSyncPublisher.ApplyAsync"/> did with a sync command.</summary>
/// <param name="Decision">One of <see cref="AuditDecisions"/>: executed, dry-run, duplicate or failed.</param>
/// <param name="Detail">What happened, as written to the audit trail.</param>
public sealed record StateSyncOutcome(string Decision, string Detail);

/// <summary>
/// Audits a state sync command and, when asked to, publishes it on the control topic, the way rollbacks are:
/// the same audit file and Kafka audit copy (<see cref="RollbackOptions.AuditFilePath"/>,
/// <see cref="RollbackOptions.AuditTopic"/>), the same producer settings and retries, the same record kinds
/// (plan, decision, execution). A command whose id the trail already shows as executed is recorded as a
/// duplicate and not published again.
/// </summary>
public sealed class StateSyncPublisher : IAsyncDisposable
{
    /// <summary>The audit records' <c>source</c>.</summary>
    public const string AuditSource = "sync";

    private readonly RollbackOptions _options;
    private readonly AuditLog _audit;
    private readonly IProducer<string, byte[]>? _producer;
    private readonly KafkaControlExecutor? _control;
    private readonly TimeProvider _time;

    private StateSyncPublisher(RollbackOptions options, AuditLog audit, IProducer<string, byte[]>? producer, KafkaControlExecutor? control, TimeProvider time)
    {
        _options = options;
        _audit = audit;
        _producer = producer;
        _control = control;
        _time = time;
    }

    /// <summary>The audit file written to.</summary>
    public string AuditFilePath => _audit.Path;

    /// <summary>Opens the audit file and, when <see cref="RollbackOptions.KafkaBootstrapServers"/> is set, the control producer.</summary>
    /// <param name="options">The rollback settings: audit file and topic, control topic, retries.</param>
    /// <param name="loggerFactory">Loggers of the delivery retries and the audit sinks.</param>
    /// <param name="time">Clock of the audit records.</param>
    /// <param name="configureProducer">Shared Kafka client settings (security), applied after DriftWatch's delivery guarantees.</param>
    /// <exception cref="InvalidOperationException">A setting is invalid; the message names it.</exception>
    public static StateSyncPublisher Open(RollbackOptions options, ILoggerFactory loggerFactory, TimeProvider time, Action<ProducerConfig>? configureProducer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(time);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid rollback settings: " + string.Join(" ", errors));
        }

        IProducer<string, byte[]>? producer = null;
        var sinks = new List<IAuditSink>();
        KafkaControlExecutor? control = null;
        if (options.KafkaEnabled)
        {
            producer = new ProducerBuilder<string, byte[]>(DriftWatchApiBuilder.CreateProducerConfig(options, configureProducer)).Build();
            control = new KafkaControlExecutor(producer, options, time, loggerFactory.CreateLogger("DriftWatch.Api.Sync"));
            if (!string.IsNullOrWhiteSpace(options.AuditTopic))
            {
                sinks.Add(new KafkaAuditSink(producer, options.AuditTopic, loggerFactory.CreateLogger("DriftWatch.Api.Audit")));
            }
        }

        var audit = AuditLog.Open(options.AuditFilePath, sinks, loggerFactory.CreateLogger("DriftWatch.Api.Audit"));
        return new StateSyncPublisher(options, audit, producer, control, time);
    }

    /// <summary>
    /// Records the plan and the decision; with <paramref name="execute"/>, publishes the command and records the
    /// delivery. Without it (the default of <c>sync apply</c>) nothing reaches the runtime.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="execute"/> without Kafka settings.</exception>
    public async Task<StateSyncOutcome> ApplyAsync(StateSyncCommand command, bool execute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (execute && _control is null)
        {
            throw new InvalidOperationException("Publishing a sync needs DriftWatch:Api:Rollback:KafkaBootstrapServers (or --bootstrap-servers).");
        }

        if (await AlreadyExecutedAsync(command.CommandId, cancellationToken))
        {
            var duplicate = new StateSyncOutcome(AuditDecisions.Duplicate, $"{command.CommandId} was already published; not sent again");
            await AppendAsync(command, AuditKinds.Decision, duplicate.Decision, duplicate.Detail, succeeded: null, withCommand: false, cancellationToken);
            return duplicate;
        }

        var summary = $"set {command.Set.Count} key(s), delete {command.Delete.Count} in {command.AgentId}/{command.Environment} from {command.SourceEnvironment}";
        await AppendAsync(command with { DryRun = !execute }, AuditKinds.Plan, decision: null, summary, succeeded: null, withCommand: true, cancellationToken);
        if (!execute)
        {
            var dryRun = new StateSyncOutcome(AuditDecisions.DryRun, "dry run: " + summary + "; add --execute to publish");
            await AppendAsync(command, AuditKinds.Decision, dryRun.Decision, dryRun.Detail, succeeded: null, withCommand: false, cancellationToken);
            return dryRun;
        }

        await AppendAsync(command, AuditKinds.Decision, AuditDecisions.Executed, summary, succeeded: null, withCommand: false, cancellationToken);
        var delivery = await _control!.PublishAsync(command.AgentId, StateSyncCommand.SchemaId, StateSyncJson.Serialize(command with { DryRun = false }), cancellationToken);
        await AppendAsync(command, AuditKinds.Execution, decision: null, delivery.Detail, delivery.Succeeded, withCommand: false, cancellationToken);
        return new StateSyncOutcome(delivery.Succeeded ? AuditDecisions.Executed : AuditDecisions.Failed, delivery.Detail);
    }

    public async ValueTask DisposeAsync()
    {
        await _audit.DisposeAsync();
        if (_producer is not null)
        {
            // The audit copies are handed over without waiting; give them the attempt timeout to leave.
            _producer.Flush(_options.AttemptTimeout);
            _producer.Dispose();
        }
    }

    private async Task<bool> AlreadyExecutedAsync(string commandId, CancellationToken cancellationToken)
    {
        await foreach (var record in AuditTrailReader.ReadAsync(_audit.Path, cancellationToken))
        {
            if (record is { Kind: AuditKinds.Execution, Succeeded: true } && record.CommandId == commandId)
            {
                return true;
            }
        }

        return false;
    }

    private Task AppendAsync(StateSyncCommand command, string kind, string? decision, string detail, bool? succeeded, bool withCommand, CancellationToken cancellationToken) =>
        _audit.AppendAsync(
            new AuditRecord
            {
                Time = _time.GetUtcNow(),
                Kind = kind,
                Source = AuditSource,
                AgentId = command.AgentId,
                Environment = command.Environment,
                Decision = decision,
                CommandId = command.CommandId,
                Detail = detail,
                SyncCommand = withCommand ? command : null,
                Succeeded = succeeded,
            },
            cancellationToken);
}
