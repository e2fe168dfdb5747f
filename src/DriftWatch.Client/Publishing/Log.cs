using Microsoft.Extensions.Logging;

namespace DriftWatch.Client.Publishing;

// Event ids 9401-9409 belong to the client (ids are unique across the product).
internal static partial class Log
{
    [LoggerMessage(EventId = 9401, Level = LogLevel.Warning, Message = "DriftWatch client: Kafka reported {Code}: {Reason}")]
    public static partial void KafkaError(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(EventId = 9402, Level = LogLevel.Debug, Message = "DriftWatch client: a decision event for agent {AgentId} was not delivered: {Reason}")]
    public static partial void DeliveryFailed(ILogger logger, string agentId, string reason);

    [LoggerMessage(EventId = 9403, Level = LogLevel.Warning, Message = "DriftWatch client: {Count} decision events were still unacknowledged when the publisher was disposed; they were discarded")]
    public static partial void Undelivered(ILogger logger, int count);

    [LoggerMessage(EventId = 9404, Level = LogLevel.Debug, Message = "DriftWatch client: librdkafka {Facility}: {Message}")]
    public static partial void KafkaLog(ILogger logger, string facility, string message);
}
