namespace DriftWatch.Api.Rollback;

/// <summary>What delivering a rollback command achieved.</summary>
/// <param name="Succeeded">True when every delivery path took the command.</param>
/// <param name="Detail">What each path answered, for the audit trail.</param>
public sealed record RollbackDelivery(bool Succeeded, string Detail);

/// <summary>Delivers a rollback command to an agent runtime (Kafka control topic, HTTP, or both).</summary>
public interface IRollbackExecutor
{
    /// <summary>Delivers one command, retrying transient failures. Reports failure rather than throwing.</summary>
    Task<RollbackDelivery> ExecuteAsync(RollbackCommand command, CancellationToken cancellationToken);
}
