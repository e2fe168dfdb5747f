using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using DriftWatch.Client;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Embedded;

namespace DriftWatch.Benchmarks.Client;

/// <summary>
/// What DriftWatch.Client costs an agent, against an embedded Kafka-protocol cluster: a raw Confluent producer
/// given pre-serialized contract JSON (the baseline: what any Kafka client pays) against <see cref="DecisionPublisher"/>
/// (serialization, the bounded buffer and its counters on top), same producer settings, same events, same run.
/// Then the cost of a call while Kafka is down and the buffer is full (every call a drop).
/// </summary>
/// <remarks>
/// Not a BenchmarkDotNet benchmark: throughput needs a cluster and acknowledgements, and the per-call figures
/// are a distribution over one long run rather than a mean of short invocations.
/// </remarks>
internal static class ClientPublishBenchmark
{
    internal static async Task<int> RunAsync(string[] args)
    {
        int count = args is [var n, ..] ? int.Parse(n, CultureInfo.InvariantCulture) : 200_000;
        AgentDecision[] decisions = Enumerable.Range(0, 1000).Select(Decision).ToArray();
        byte[][] serialized = decisions.Select(ToCoreJson).ToArray();
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);

        // Warm-up of both paths (JIT, connections, idempotent producer id) on a topic of its own.
        cluster.CreateTopic("warm-up", partitions: 6);
        await RawAsync(cluster.BootstrapServers, "warm-up", serialized, 20_000);
        await ClientAsync(cluster.BootstrapServers, "warm-up", decisions, 20_000);

        cluster.CreateTopic("raw", partitions: 6);
        cluster.CreateTopic("client", partitions: 6);
        (double rawSeconds, long[] rawCalls) = await RawAsync(cluster.BootstrapServers, "raw", serialized, count);
        (double clientSeconds, long[] clientCalls, long published) = await ClientAsync(cluster.BootstrapServers, "client", decisions, count);
        (double downSeconds, long dropped) = await KafkaDownAsync(decisions, 100_000);

        Console.WriteLine($"{count:N0} decisions (8 agents, two features, one tool call, three metrics, a label), 6 partitions, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| Path | Acknowledged/s | Ratio | Call median | Call p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(Row("Raw Confluent producer, pre-serialized (baseline)", count / rawSeconds, 1.0, rawCalls));
        Console.WriteLine(Row("DecisionPublisher.TryPublish", count / clientSeconds, rawSeconds / clientSeconds, clientCalls));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Client delivered {published:N0} of {count:N0}."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Kafka down, buffer 1,000 full: 100,000 TryPublish in {downSeconds * 1000:F0} ms ({downSeconds * 1e9 / 100_000:F0} ns a call), {dropped:N0} dropped."));
        return published == count ? 0 : 1;
    }

    private static async Task<(double Seconds, long[] Calls)> RawAsync(string bootstrap, string topic, byte[][] values, int count)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = true,
            LingerMs = 20,
            QueueBufferingMaxMessages = count + 1,
            DeliveryReportFields = "key,status",
        }).Build();
        long delivered = 0;
        Action<DeliveryReport<string, byte[]>> onDelivered = _ => Interlocked.Increment(ref delivered);
        var calls = new long[count];
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            producer.Produce(topic, new Message<string, byte[]> { Key = $"agent-{i % 8}", Value = values[i % values.Length] }, onDelivered);
            calls[i] = Stopwatch.GetTimestamp() - start;
        }

        while (Interlocked.Read(ref delivered) < count)
        {
            producer.Flush(TimeSpan.FromMilliseconds(100));
        }

        double seconds = clock.Elapsed.TotalSeconds;
        await Task.Yield();
        return (seconds, calls);
    }

    private static async Task<(double Seconds, long[] Calls, long Published)> ClientAsync(string bootstrap, string topic, AgentDecision[] decisions, int count)
    {
        await using var publisher = new DecisionPublisher(new DecisionPublisherOptions { BootstrapServers = bootstrap, Topic = topic, BufferCapacity = count });
        var calls = new long[count];
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            publisher.TryPublish(decisions[i % decisions.Length]);
            calls[i] = Stopwatch.GetTimestamp() - start;
        }

        await publisher.FlushAsync();
        return (clock.Elapsed.TotalSeconds, calls, publisher.Published);
    }

    private static async Task<(double Seconds, long Dropped)> KafkaDownAsync(AgentDecision[] decisions, int count)
    {
        await using var publisher = new DecisionPublisher(new DecisionPublisherOptions { BootstrapServers = "127.0.0.1:1", BufferCapacity = 1000, DisposeTimeout = TimeSpan.Zero });
        for (int i = 0; i < 1000; i++)
        {
            publisher.TryPublish(decisions[i]);
        }

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            publisher.TryPublish(decisions[i % decisions.Length]);
        }

        return (clock.Elapsed.TotalSeconds, publisher.Dropped);
    }

    private static AgentDecision Decision(int i) => new()
    {
        AgentId = $"agent-{i % 8}",
        DecisionName = "route",
        Outcome = i % 3 == 0 ? "billing" : "faq",
        Confidence = 0.8,
        InputFeatures = new Dictionary<string, string> { ["urgency"] = i % 3 == 0 ? "high" : "low", ["channel"] = "email" },
        ToolCalls = [new AgentToolCall("lookup_order", "ok", 12.5)],
        Metrics = new Dictionary<string, double> { ["latency_ms"] = 581.4, ["tokens_in"] = 80, ["tokens_out"] = 166 },
        Labels = new Dictionary<string, string> { ["model"] = "m-large" },
    };

    // The baseline's bytes: the same decision written by DriftWatch.Core, so both paths send the same content.
    private static byte[] ToCoreJson(AgentDecision d) => AgentEventWriter.ToUtf8Bytes(new DecisionEvent
    {
        EventId = Guid.NewGuid().ToString(),
        AgentId = d.AgentId,
        Timestamp = DateTimeOffset.UnixEpoch,
        DecisionName = d.DecisionName,
        Outcome = d.Outcome,
        Confidence = d.Confidence,
        InputFeatures = d.InputFeatures!,
        ToolCalls = d.ToolCalls!.Select(c => new ToolCall(c.Name, c.Status, c.LatencyMs)).ToList(),
        Metrics = d.Metrics!,
        Labels = d.Labels!,
    });

    private static string Row(string name, double perSecond, double ratio, long[] calls)
    {
        Array.Sort(calls);
        double Micros(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {perSecond:N0} | {ratio:F2} | {Micros(calls[calls.Length / 2]):F1} us | {Micros(calls[(int)(calls.Length * 0.99)]):F1} us |");
    }
}
