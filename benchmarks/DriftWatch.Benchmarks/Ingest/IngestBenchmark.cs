using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Embedded;
using DriftWatch.Simulation;

namespace DriftWatch.Benchmarks.Ingest;

/// <summary>
/// Ingest throughput against an embedded Kafka-protocol cluster: a raw Confluent consumer (the baseline),
/// DriftWatch's source with parsing, and the whole ingest pipeline, all over the same produced topic and in
/// the same process, so the ratios say what the pipeline costs on top of consuming.
/// </summary>
/// <remarks>
/// Not a BenchmarkDotNet benchmark: one measurement needs a cluster, a topic and a consumer group join,
/// which BenchmarkDotNet's many short invocations do not fit. Each mode's clock starts at its first message,
/// so the group join is excluded alike for all.
/// </remarks>
internal static class IngestBenchmark
{
    internal static async Task<int> RunAsync(string[] args)
    {
        IngestSettings settings;
        try
        {
            settings = IngestSettings.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            await Console.Error.WriteLineAsync(IngestSettings.Usage);
            return 2;
        }

        using var cluster = EmbeddedKafkaCluster.Start(settings.Brokers);
        const string topic = "agent-decisions";
        cluster.CreateTopic(topic, settings.Partitions);

        Console.WriteLine($"Embedded cluster: {settings.Brokers} broker(s), topic {topic} with {settings.Partitions} partitions");
        var produce = Stopwatch.StartNew();
        var produced = Produce(cluster.BootstrapServers, topic, settings.Events);
        Console.WriteLine(
            $"Produced {produced.Messages:N0} messages ({settings.Events:N0} decisions + {produced.Messages - settings.Events:N0} state events, "
            + $"mean {produced.Bytes / (double)produced.Messages:F0} bytes) in {produce.Elapsed.TotalSeconds:F1} s");

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Parse alone, in memory, one thread: {ParseCost(produced.Sample):F1} µs CPU per event"));

        var modes = new List<IIngestMode> { new RawConsumerMode() };
        modes.AddRange(settings.Workers.Select(w => new SourceParseMode(w)));
        modes.AddRange(settings.Workers.Select(w => new FullPipelineMode(w)));
        modes.AddRange(settings.Workers.Select(w => new DetectingPipelineMode(w)));
        var rates = modes.ToDictionary(m => m.Name, _ => new List<double>());
        var costs = modes.ToDictionary(m => m.Name, _ => new List<double>());
        // One unrecorded round first, so that no mode pays for JIT compilation or Akka's start-up.
        var warmup = Math.Min(produced.Messages, 20_000);
        foreach (var mode in modes)
        {
            await mode.MeasureAsync(cluster.BootstrapServers, topic, $"bench-warmup-{mode.Name}-{Guid.NewGuid():N}", warmup, settings.Timeout);
        }

        for (var repetition = 1; repetition <= settings.Repetitions; repetition++)
        {
            foreach (var mode in modes)
            {
                var group = $"bench-{mode.Name}-{repetition}-{Guid.NewGuid():N}";
                var measurement = await mode.MeasureAsync(cluster.BootstrapServers, topic, group, produced.Messages, settings.Timeout);
                var rate = produced.Messages / measurement.Elapsed.TotalSeconds;
                var cost = measurement.Cpu.TotalMicroseconds / produced.Messages;
                rates[mode.Name].Add(rate);
                costs[mode.Name].Add(cost);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  run {repetition}  {mode.Name,-18} {rate,12:N0} events/s  ({measurement.Elapsed.TotalSeconds:F2} s, {cost:F1} µs CPU per event)"));
            }
        }

        var baseline = Median(rates[modes[0].Name]);
        var baselineCost = Median(costs[modes[0].Name]);
        Console.WriteLine();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Median of {settings.Repetitions} run(s), {produced.Messages:N0} messages, {Environment.ProcessorCount} cores, load average {LoadAverage()}:"));
        foreach (var mode in modes)
        {
            var median = Median(rates[mode.Name]);
            var cost = Median(costs[mode.Name]);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {mode.Name,-18} {median,12:N0} events/s  ratio to raw {median / baseline:F2}  {cost,6:F1} µs CPU per event (x{cost / baselineCost:F1})  ({mode.Description})"));
        }

        return 0;
    }

    // The CPU ceiling of the parse stage, without Kafka or the stream.
    private static double ParseCost(IReadOnlyList<byte[]> sample)
    {
        var invalid = 0;
        for (var warmup = 0; warmup < 2; warmup++)
        {
            foreach (var value in sample)
            {
                invalid += AgentEventParser.Parse(value).IsValid ? 0 : 1;
            }
        }

        var clock = Stopwatch.StartNew();
        var cpu = Environment.CpuUsage.TotalTime;
        var parsed = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            foreach (var value in sample)
            {
                invalid += AgentEventParser.Parse(value).IsValid ? 0 : 1;
                parsed++;
            }
        }

        var used = Environment.CpuUsage.TotalTime - cpu;
        return invalid == 0 ? used.TotalMicroseconds / parsed : throw new InvalidOperationException($"{invalid} benchmark events did not parse.");
    }

    private static (int Messages, long Bytes, IReadOnlyList<byte[]> Sample) Produce(string bootstrapServers, string topic, int decisions)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 20,
            BatchSize = 1_000_000,
            QueueBufferingMaxMessages = 1_000_000,
            QueueBufferingMaxKbytes = 1_048_576,
            // The embedded cluster keeps only the last 5 MiB of each partition (librdkafka's mock log limit);
            // compressed, the default 200,000 events fit in 6 partitions, uncompressed they would not.
            CompressionType = CompressionType.Zstd,
        }).Build();

        // Many agents, so that keys (agent ids) spread over every partition as in a real fleet.
        var simulator = new FleetSimulator(new SimulationOptions { Events = decisions, Agents = 48 });
        var messages = 0;
        long bytes = 0;
        var failed = 0;
        var sample = new List<byte[]>();
        foreach (var record in simulator.Generate())
        {
            var value = record.Decision is { } decision
                ? AgentEventWriter.ToUtf8Bytes(decision)
                : AgentEventWriter.ToUtf8Bytes(record.State!);
            producer.Produce(
                topic,
                new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(record.AgentId), Value = value },
                report =>
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.Increment(ref failed);
                    }
                });
            messages++;
            bytes += value.Length;
            if (sample.Count < 10_000)
            {
                sample.Add(value);
            }
        }

        producer.Flush(TimeSpan.FromMinutes(2));
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} messages were not delivered to the embedded cluster.");
        }

        EnsureRetained(bootstrapServers, topic);
        return (messages, bytes, sample);
    }

    // A truncated log would make every mode wait for messages that no longer exist.
    private static void EnsureRetained(string bootstrapServers, string topic)
    {
        using var admin = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "ingest-benchmark-watermarks",
        }).Build();
        var metadata = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        using (metadata)
        {
            var partitions = metadata.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions;
            foreach (var partition in partitions)
            {
                var marks = admin.QueryWatermarkOffsets(new TopicPartition(topic, partition.PartitionId), TimeSpan.FromSeconds(10));
                if (marks.Low.Value > 0)
                {
                    throw new InvalidOperationException(
                        $"The embedded cluster dropped the first {marks.Low.Value} messages of partition {partition.PartitionId} "
                        + "(it keeps 5 MiB per partition): use fewer --events or more --partitions.");
                }
            }
        }
    }

    // Other work on the machine skews every rate; the load average says how much there was.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
