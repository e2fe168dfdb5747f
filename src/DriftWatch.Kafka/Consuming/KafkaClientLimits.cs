using System.Globalization;

namespace DriftWatch.Kafka.Consuming;

/// <summary>Size limits of the Kafka clients, so what one client receives another can send on.</summary>
public static class KafkaClientLimits
{
    /// <summary>librdkafka's default <c>fetch.max.bytes</c> (50 MiB).</summary>
    public const int DefaultFetchMaxBytes = 52_428_800;

    /// <summary>librdkafka's upper bound for <c>message.max.bytes</c>.</summary>
    public const int MaxMessageMaxBytes = 1_000_000_000;

    /// <summary>
    /// The most bytes one fetch of the consumer may carry (<c>fetch.max.bytes</c> from the librdkafka
    /// settings, else its default): a message the consumer can receive is at most this large.
    /// </summary>
    public static int FetchMaxBytes(IDictionary<string, string> extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        return extra.TryGetValue("fetch.max.bytes", out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            && value > 0
                ? value
                : DefaultFetchMaxBytes;
    }
}
