using Microsoft.Extensions.Logging;

namespace DriftWatch.SampleAgent;

/// <summary>
/// Applies rollback commands from either control path (HTTP or Kafka), and state sync commands from the control
/// topic (told apart by <c>schema</c>); logs what was changed and hands the resulting state changes to
/// <see cref="Reverted"/> so they are published as state events.
/// </summary>
internal sealed partial class RollbackHandler
{
    private readonly RoutingPolicyRuntime _runtime;
    private readonly ILogger _logger;

    public RollbackHandler(RoutingPolicyRuntime runtime, ILogger logger)
    {
        _runtime = runtime;
        _logger = logger;
    }

    /// <summary>Raised after a command was applied (not for dry runs, duplicates or refusals).</summary>
    public event Action<RollbackApplied>? Reverted;

    public RollbackApplied Handle(ReadOnlySpan<byte> json)
    {
        RollbackApplied result;
        if (RoutingPolicyRuntime.SchemaOf(json) == "driftwatch.sync/v1")
        {
            var sync = RoutingPolicyRuntime.ParseSync(json);
            if (sync is null)
            {
                LogMalformed();
                return new RollbackApplied(RollbackStatus.Rejected, null, "malformed sync command", null, null, []);
            }

            result = _runtime.ApplySync(sync);
        }
        else
        {
            var command = RoutingPolicyRuntime.ParseCommand(json);
            if (command is null)
            {
                LogMalformed();
                return new RollbackApplied(RollbackStatus.Rejected, null, "malformed rollback command", null, null, []);
            }

            result = _runtime.Apply(command);
        }

        LogResult(result.Status, result.CommandId, result.Detail);
        foreach (var change in result.Reverted)
        {
            LogReverted(change.Key, change.Value?.ToJsonString() ?? "(deleted)", result.Status == RollbackStatus.DryRun);
        }

        if (result.Status == RollbackStatus.Applied)
        {
            Reverted?.Invoke(result);
        }

        return result;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Rollback command {CommandId}: {Status}, {Detail}")]
    private partial void LogResult(RollbackStatus status, string? commandId, string detail);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Reverted {Key} to {Value} (dry run: {DryRun})")]
    private partial void LogReverted(string key, string value, bool dryRun);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Ignored a malformed control command")]
    private partial void LogMalformed();
}
