using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Events;

namespace DriftWatch.IntegrationTests.Infrastructure;

internal static class TestEvents
{
    internal static DecisionEvent Decision(int i, string agent = "support-router") => new()
    {
        EventId = $"evt-{i:D6}",
        AgentId = agent,
        Timestamp = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero).AddMilliseconds(i * 20),
        DecisionName = "route",
        Outcome = (i % 3) switch { 0 => "billing", 1 => "tech_support", _ => "escalations" },
        Confidence = 0.5 + (i % 50) / 100.0,
        InputFeatures = new Dictionary<string, string> { ["urgency"] = i % 5 == 0 ? "high" : "low" },
    };

    /// <summary>Produces messages and waits until the broker acknowledged every one.</summary>
    internal static async Task ProduceAsync(string bootstrapServers, string topic, IEnumerable<(string Key, byte[] Value)> messages)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
        }).Build();
        var sends = new List<Task>();
        foreach (var (key, value) in messages)
        {
            sends.Add(producer.ProduceAsync(topic, new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value }));
        }

        await Task.WhenAll(sends);
    }

    /// <summary>Reads a whole topic from the beginning until <paramref name="expected"/> messages arrived.</summary>
    internal static List<ConsumeResult<byte[]?, byte[]>> ReadAll(string bootstrapServers, string topic, int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<byte[]?, byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is not null)
            {
                results.Add(result);
            }
        }

        consumer.Close();
        return results;
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }
}
