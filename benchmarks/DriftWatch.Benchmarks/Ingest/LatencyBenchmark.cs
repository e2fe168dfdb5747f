using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Embedded;
using DriftWatch.Kafka.Producing;
using DriftWatch.Service.Pipeline;
using DriftWatch.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Benchmarks.Ingest;

/// <summary>
/// `dotnet run -c Release -- latency [--rate 10000] [--seconds 20]`: the whole pipeline with the real
/// detectors and the Kafka alert sink on the embedded cluster, fed at a steady rate by a paced producer
/// (simulated fleet, sudden drifts at half way so alerts fire). Reads the pipeline's own latency histograms
/// (<see cref="PipelineLatency"/>: an event's Kafka timestamp to its results written, and to its alert on the
/// alerts topic) and prints p50/p90/p99/max of each with the default settings.
/// </summary>
internal static class LatencyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int rate = 10_000;
        int seconds = 20;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--rate": rate = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            }
        }

        var results = new List<double>();
        var alerts = new List<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // By name: the meter also carries other instruments (the per-event processing duration).
                if (instrument.Meter.Name == PipelineLatency.MeterName
                    && instrument.Name is PipelineLatency.EventToResultsName or PipelineLatency.EventToAlertName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            var list = instrument.Name == PipelineLatency.EventToAlertName ? alerts : results;
            lock (list)
            {
                list.Add(value);
            }
        });
        listener.Start();

        using var cluster = EmbeddedKafkaCluster.Start(1);
        const string topic = "agent-decisions";
        const string alertsTopic = "driftwatch-alerts";
        cluster.CreateTopic(topic, 6);
        cluster.CreateTopic(alertsTopic, 1);
        cluster.CreateTopic($"{topic}.dlq", 1);

        var kafka = new KafkaConsumerOptions { BootstrapServers = cluster.BootstrapServers, GroupId = $"latency-{Guid.NewGuid():N}" };
        kafka.Topics.Clear();
        kafka.Topics.Add(topic);
        var options = new PipelineOptions { DeadLetterTopic = $"{topic}.dlq", AlertsTopic = alertsTopic };
        using var alertProducer = KafkaProducerFactory.Create(cluster.BootstrapServers, "latency-alerts");
        await using var alertSink = new KafkaAlertSink(alertProducer, alertsTopic);
        var pipeline = new IngestPipeline(kafka, options, new DriftMonitor(), [alertSink], NullLoggerFactory.Instance, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);

        // A few messages first, left out of the figures: until the consumer has joined its group (seconds on the
        // embedded cluster) every event would wait for the join, which is start-up, not the pipeline's latency.
        var deadline = Stopwatch.StartNew();
        int warmUp = Produce(cluster.BootstrapServers, topic, rate, total: 8, seed: 99);
        while (pipeline.Statistics.Committed < warmUp && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        lock (results)
        {
            results.Clear();
        }

        lock (alerts)
        {
            alerts.Clear();
        }

        int total = rate * seconds;
        int produced = Produce(cluster.BootstrapServers, topic, rate, total, seed: 3);
        deadline.Restart();
        while (pipeline.Statistics.Committed < warmUp + produced && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await run;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency: {produced:N0} messages at {rate:N0}/s for {seconds} s, embedded cluster (1 broker, 6 partitions), defaults (Kafka:FetchWait {kafka.FetchWait.TotalMilliseconds} ms, Pipeline:BatchInterval {options.BatchInterval.TotalMilliseconds} ms, BatchSize {options.BatchSize}); {pipeline.Statistics.Committed - warmUp:N0} committed, after a warm-up of {warmUp} messages; load average {LoadAverage()}"));
        Report("event -> results written", results);
        Report("event -> alert on topic", alerts);
        return 0;
    }

    private static void Report(string name, List<double> values)
    {
        lock (values)
        {
            if (values.Count == 0)
            {
                Console.WriteLine($"  {name}: no samples");
                return;
            }

            var sorted = values.Order().ToArray();
            double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: n={sorted.Length:N0} p50 {At(0.5):0.0} ms, p90 {At(0.9):0.0} ms, p99 {At(0.99):0.0} ms, max {sorted[^1]:0.0} ms"));
        }
    }

    private static int Produce(string bootstrapServers, string topic, int rate, int total, int seed)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            // 5 ms, not 1: at 10k events/s a 1 ms linger sends about a thousand acks=all requests a second to the
            // embedded cluster's single mock-broker thread, which then serves the pipeline's fetches seconds late.
            // The event's timestamp is taken when Produce is called, so the linger counts in the latency figures.
            LingerMs = 5,
            CompressionType = CompressionType.Zstd,
        }).Build();
        var options = new SimulationOptions { Events = total, Agents = 8, Seed = seed };
        options.Scenarios.Add(new DriftScenario(DriftKind.Misrouting) { Onset = 0.5 });
        options.Scenarios.Add(new DriftScenario(DriftKind.ConfidenceDrop) { Onset = 0.5 });
        var clock = Stopwatch.StartNew();
        int sent = 0;
        foreach (var record in new FleetSimulator(options).Generate())
        {
            // Paced in steps of 1 ms: the producer never runs ahead of the wall-clock schedule.
            while (sent * 1000L / rate > clock.ElapsedMilliseconds)
            {
                Thread.Sleep(1);
            }

            var value = record.Decision is { } d ? AgentEventWriter.ToUtf8Bytes(d) : AgentEventWriter.ToUtf8Bytes(record.State!);
            producer.Produce(topic, new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(record.AgentId), Value = value });
            sent++;
        }

        producer.Flush(TimeSpan.FromMinutes(1));
        return sent;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
