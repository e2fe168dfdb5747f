namespace DriftWatch.Api.Rollback;

/// <summary>Delivers through every configured path (Kafka control topic, runtime HTTP); succeeds when all do.</summary>
internal sealed class CompositeRollbackExecutor : IRollbackExecutor
{
    private readonly KafkaControlExecutor? _kafka;
    private readonly HttpRuntimeExecutor _http;

    public CompositeRollbackExecutor(KafkaControlExecutor? kafka, HttpRuntimeExecutor http)
    {
        _kafka = kafka;
        _http = http;
    }

    public async Task<RollbackDelivery> ExecuteAsync(RollbackCommand command, CancellationToken cancellationToken)
    {
        var deliveries = new List<Task<RollbackDelivery>>(2);
        if (_kafka is not null)
        {
            deliveries.Add(_kafka.ExecuteAsync(command, cancellationToken));
        }

        if (_http.Serves(command.AgentId))
        {
            deliveries.Add(_http.ExecuteAsync(command, cancellationToken));
        }

        if (deliveries.Count == 0)
        {
            return new RollbackDelivery(false, $"no delivery path configured for agent '{command.AgentId}'");
        }

        var results = await Task.WhenAll(deliveries);
        return new RollbackDelivery(results.All(static r => r.Succeeded), string.Join("; ", results.Select(static r => r.Detail)));
    }
}
