using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Confluent.Kafka;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Tracing;

namespace DriftWatch.Api.Rollback;

/// <summary>
/// Publishes the command on the control topic, keyed by agent id so one agent's commands stay in order.
/// The producer is idempotent (acks=all), so librdkafka's own retries never duplicate a command; our
/// retries on top are covered by the stable command_id, which runtimes deduplicate on.
/// </summary>
internal sealed class KafkaControlExecutor : IRollbackExecutor
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly RollbackOptions _options;
    private readonly DeliveryRetry _retry;

    public KafkaControlExecutor(IProducer<string, byte[]> producer, RollbackOptions options, TimeProvider time, ILogger? logger = null)
    {
        _producer = producer;
        _options = options;
        _retry = new DeliveryRetry(options, time, logger ?? NullLogger.Instance, "kafka");
    }

    public Task<RollbackDelivery> ExecuteAsync(RollbackCommand command, CancellationToken cancellationToken) =>
        PublishAsync(command.AgentId, RollbackCommand.SchemaId, RollbackJson.Serialize(command), cancellationToken);

    /// <summary>
    /// Publishes one control document (a rollback or a state sync command) keyed by <paramref name="agentId"/>,
    /// with its schema in a header so runtimes can route it before parsing; retries transient failures.
    /// </summary>
    public async Task<RollbackDelivery> PublishAsync(string agentId, string schema, byte[] json, CancellationToken cancellationToken)
    {
        var message = new Message<string, byte[]>
        {
            Key = agentId,
            Value = json,
            Headers = new Headers { { "schema", System.Text.Encoding.UTF8.GetBytes(schema) } },
        };
        using var activity = ApiTracing.StartRollbackPublish(_options.ControlTopic);
        ApiTracing.Inject(activity ?? System.Diagnostics.Activity.Current, message.Headers);

        var (ok, detail, attempts) = await _retry.RunAsync(ct => AttemptAsync(message, ct), cancellationToken);
        return new RollbackDelivery(ok, $"kafka {_options.ControlTopic}: {detail} after {attempts} attempt(s)");
    }

    private async Task<AttemptResult> AttemptAsync(Message<string, byte[]> message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AttemptTimeout);
        try
        {
            var result = await _producer.ProduceAsync(_options.ControlTopic, message, timeout.Token);
            return new AttemptResult(AttemptOutcome.Succeeded, $"partition {result.Partition.Value} offset {result.Offset.Value}");
        }
        catch (ProduceException<string, byte[]> ex)
        {
            var permanent = ex.Error.IsFatal || ex.Error.Code is ErrorCode.MsgSizeTooLarge or ErrorCode.TopicAuthorizationFailed;
            return new AttemptResult(permanent ? AttemptOutcome.Permanent : AttemptOutcome.Transient, ex.Error.Code.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(AttemptOutcome.Transient, "timeout");
        }
    }
}
