using Confluent.Kafka;

namespace DriftWatch.Kafka.Producing;

/// <summary>Producers configured the one way DriftWatch writes: idempotent, acks=all, nothing lost on retry.</summary>
public static class KafkaProducerFactory
{
    /// <summary>Builds an idempotent producer for raw bytes.</summary>
    public static IProducer<byte[]?, byte[]> Create(string bootstrapServers, string clientId, IDictionary<string, string>? extra = null)
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

        return new ProducerBuilder<byte[]?, byte[]>(config).Build();
    }
}
