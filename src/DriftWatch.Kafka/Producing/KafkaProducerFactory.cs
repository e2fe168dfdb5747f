using Confluent.Kafka;

namespace DriftWatch.Kafka.Producing;

/// <summary>Producers configured the one way DriftWatch writes: idempotent, acks=all, nothing lost on retry.</summary>
public static class KafkaProducerFactory
{
    /// <summary>Builds an idempotent producer for raw bytes.</summary>
    /// <param name="bootstrapServers">Brokers to connect to.</param>
    /// <param name="clientId">Client id the brokers see.</param>
    /// <param name="extra">Further librdkafka settings, applied last.</param>
    /// <param name="messageMaxBytes">
    /// Largest message this producer may send; librdkafka's default (about 1 MB) when null. A value in
    /// <paramref name="extra"/> wins only when it is larger.
    /// </param>
    public static IProducer<byte[]?, byte[]> Create(
        string bootstrapServers,
        string clientId,
        IDictionary<string, string>? extra = null,
        int? messageMaxBytes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = clientId,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            MessageTimeoutMs = 120_000,
        };
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
            {
                config.Set(key, value);
            }
        }

        if (messageMaxBytes is { } limit && (config.MessageMaxBytes is not { } configured || configured < limit))
        {
            config.MessageMaxBytes = limit;
        }

        return new ProducerBuilder<byte[]?, byte[]>(config).Build();
    }
}
