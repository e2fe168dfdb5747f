using System.Collections.Concurrent;

namespace DriftWatch.Api.Rollback;

/// <summary>
/// Delivers through every configured path (Kafka control topic, runtime HTTP); succeeds when all do. A path
/// that already took a command is not used again for it when a later delivery of the same alert retries the
/// paths that failed, so a redelivery does not republish the Kafka command.
/// </summary>
internal sealed class CompositeRollbackExecutor : IRollbackExecutor
{
    private const string Kafka = "kafka";
    private const string Http = "http";

    // Command id -> paths that delivered it, kept only while some path still fails (bounded by failing episodes).
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _delivered = new(StringComparer.Ordinal);
    private readonly IRollbackExecutor? _kafka;
    private readonly HttpRuntimeExecutor _http;

    public CompositeRollbackExecutor(IRollbackExecutor? kafka, HttpRuntimeExecutor http)
    {
        _kafka = kafka;
        _http = http;
    }

    public async Task<RollbackDelivery> ExecuteAsync(RollbackCommand command, CancellationToken cancellationToken)
    {
        var delivered = _delivered.GetOrAdd(command.CommandId, static _ => new(StringComparer.Ordinal));
        var deliveries = new List<Task<RollbackDelivery>>(2);
        if (_kafka is not null)
        {
            deliveries.Add(DeliverOnceAsync(Kafka, _kafka, command, delivered, cancellationToken));
        }

        if (_http.Serves(command.AgentId))
        {
            deliveries.Add(DeliverOnceAsync(Http, _http, command, delivered, cancellationToken));
        }

        if (deliveries.Count == 0)
        {
            _delivered.TryRemove(command.CommandId, out _);
            return new RollbackDelivery(false, $"no delivery path configured for agent '{command.AgentId}'");
        }

        var results = await Task.WhenAll(deliveries);
        var succeeded = results.All(static r => r.Succeeded);
        if (succeeded)
        {
            _delivered.TryRemove(command.CommandId, out _);
        }

        return new RollbackDelivery(succeeded, string.Join("; ", results.Select(static r => r.Detail)));
    }

    private static async Task<RollbackDelivery> DeliverOnceAsync(
        string path,
        IRollbackExecutor executor,
        RollbackCommand command,
        ConcurrentDictionary<string, string> delivered,
        CancellationToken cancellationToken)
    {
        if (delivered.TryGetValue(path, out var earlier))
        {
            return new RollbackDelivery(true, $"{earlier} (delivered by an earlier attempt, not sent again)");
        }

        var result = await executor.ExecuteAsync(command, cancellationToken);
        if (result.Succeeded)
        {
            delivered[path] = result.Detail;
        }

        return result;
    }
}
