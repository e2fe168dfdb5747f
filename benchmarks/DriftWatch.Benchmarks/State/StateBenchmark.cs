using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using DriftWatch.Benchmarks.Ingest;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Embedded;
using DriftWatch.Kafka.State;
using DriftWatch.Service.Pipeline;
using DriftWatch.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Benchmarks.State;

/// <summary>
/// What durable state costs, on an embedded Kafka-protocol cluster, in one process run:
/// <list type="bullet">
/// <item>throughput of the real pipeline (statistical detectors) with checkpointing on against off, alternating;</item>
/// <item>checkpoint bytes per behaviour, and how long restoring 1,000 agents takes (changelog scan + decode);</item>
/// <item>resident memory while 100,000 distinct agents pass, with eviction against without durable state.</item>
/// </list>
/// <c>dotnet run -c Release --project benchmarks/DriftWatch.Benchmarks -- state [--repetitions 3] [--events 60000] [--agents 100000] [--parts throughput,restore,memory]</c>
/// </summary>
internal static class StateBenchmark
{
    private const int Partitions = 12;

    internal static async Task<int> RunAsync(string[] args)
    {
        int repetitions = Option(args, "--repetitions", 3);
        int events = Option(args, "--events", 60_000);
        int agents = Option(args, "--agents", 100_000);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, load average at start {LoadAverage()}"));
        int at = Array.IndexOf(args, "--parts");
        var parts = at >= 0 && at + 1 < args.Length ? args[at + 1].Split(',') : ["throughput", "restore", "memory"];
        using var cluster = EmbeddedKafkaCluster.Start(3);
        if (parts.Contains("throughput"))
        {
            await ThroughputAsync(cluster, events, repetitions);
        }

        if (parts.Contains("restore"))
        {
            await RestoreAsync(cluster);
        }

        if (parts.Contains("memory"))
        {
            await MemoryAsync(cluster, agents);
        }

        if (parts.Contains("ml-size"))
        {
            MlSizes();
        }

        Console.WriteLine($"load average at end {LoadAverage()}");
        return 0;
    }

    private static async Task ThroughputAsync(EmbeddedKafkaCluster cluster, int events, int repetitions)
    {
        const string topic = "throughput";
        cluster.CreateTopic(topic, Partitions);
        int messages = Produce(cluster.BootstrapServers, topic, new FleetSimulator(new SimulationOptions { Events = events, Agents = 48 }).Generate()
            .Select(r => (r.AgentId, r.Decision is { } d ? AgentEventWriter.ToUtf8Bytes(d) : AgentEventWriter.ToUtf8Bytes(r.State!))));
        Console.WriteLine($"\nThroughput: {messages:N0} messages of a 48-agent fleet, {Partitions} partitions, real detectors");
        var modes = new (string Name, StateOptions? State)[]
        {
            ("checkpointing off", null),
            ("checkpointing on (every 1 s)", new StateOptions { CheckpointInterval = TimeSpan.FromSeconds(1) }),
        };
        var rates = modes.ToDictionary(m => m.Name, _ => new List<double>());
        for (int round = 0; round <= repetitions; round++)
        {
            foreach (var (name, state) in modes)
            {
                string stateTopic = $"state-{Guid.NewGuid():N}";
                cluster.CreateTopic(stateTopic, Partitions);
                if (state is not null)
                {
                    state.Topic = stateTopic;
                }

                var detector = new DriftMonitor();
                var pipeline = Pipeline(cluster.BootstrapServers, topic, detector, state);
                using var stop = new CancellationTokenSource();
                var run = pipeline.RunAsync(stop.Token);
                var measurement = await Progress.TimeAsync(() => pipeline.Statistics.Events > 0, () => pipeline.Statistics.Committed >= messages, run, TimeSpan.FromMinutes(5), name);
                await stop.CancelAsync();
                await run;
                double rate = messages / measurement.Elapsed.TotalSeconds;
                if (round == 0)
                {
                    continue; // warm-up: JIT and Akka start-up
                }

                rates[name].Add(rate);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {round}  {name,-30} {rate,10:N0} events/s  checkpoints {pipeline.Statistics.Checkpoints:N0} ({pipeline.Statistics.CheckpointBytes / 1024.0:N0} KiB)"));
            }
        }

        var off = rates[modes[0].Name];
        var on = rates[modes[1].Name];
        var ratios = on.Zip(off, (a, b) => a / b).ToList();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  median on/off ratio {Median(ratios):F2} (runs {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}); off {Median(off):N0} events/s [{off.Min():N0}..{off.Max():N0}], on {Median(on):N0} [{on.Min():N0}..{on.Max():N0}]; load {LoadAverage()}"));
    }

    private static async Task RestoreAsync(EmbeddedKafkaCluster cluster)
    {
        const int agents = 1_000;
        const int eventsPerAgent = 2_300; // past the 2,000-event reference: armed, as in steady state
        Console.WriteLine($"\nCheckpoint size and restore: {agents:N0} agents x {eventsPerAgent:N0} events (one behaviour each, armed)");
        var detector = new DriftMonitor();
        var random = new Random(7);
        var start = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < eventsPerAgent; i++)
        {
            for (int a = 0; a < agents; a++)
            {
                detector.Observe(SyntheticDecision(random, $"agent-{a:D5}", start.AddMilliseconds((i * agents) + a), i));
            }
        }

        var units = Enumerable.Range(0, agents).Select(a => $"agent-{a:D5}")
            .Select(id => (Id: id, Unit: detector.CheckpointAgentUnit(id, new Core.Detection.Checkpoints.SourcePosition("t", 0, 1))!)).ToList();
        var sizes = units.Select(u => (double)u.Unit.Length).Order().ToList();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  bytes per behaviour (agent unit incl. history): median {Median(sizes):N0}, p90 {sizes[(int)(sizes.Count * 0.9)]:N0}, max {sizes[^1]:N0} (limit 65,536)"));
        var filling = new DriftMonitor();
        for (int i = 0; i < 1_500; i++)
        {
            filling.Observe(SyntheticDecision(random, "filling", start.AddSeconds(i), i));
        }

        Console.WriteLine($"  while the reference fills (1,500 of 2,000 events): {filling.CheckpointAgentUnit("filling", null)!.Length:N0} bytes");

        string topic = $"state-{Guid.NewGuid():N}";
        cluster.CreateTopic(topic, Partitions);
        var options = new StateOptions { Topic = topic };
        using (var writer = new KafkaStateStore(cluster.BootstrapServers, options, null, NullLogger<KafkaStateStore>.Instance))
        {
            writer.Initialize();
            var records = units.Select(u => new AgentStateRecord(u.Id, Math.Abs(u.Id.GetHashCode(StringComparison.Ordinal)) % Partitions, u.Unit)).ToList();
            await writer.WriteAsync(records, CancellationToken.None);
        }

        using var reader = new KafkaStateStore(cluster.BootstrapServers, options, null, NullLogger<KafkaStateStore>.Instance);
        reader.Initialize();
        var scan = Stopwatch.StartNew();
        reader.OnAssigned(Enumerable.Range(0, Partitions).Select(p => ("input", p)).ToList());
        scan.Stop();
        var restored = new DriftMonitor();
        var decode = Stopwatch.StartNew();
        foreach (var (id, _) in units)
        {
            restored.RestoreAgentUnit(reader.Load(id)!);
        }

        decode.Stop();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  restore per 1,000 agents: changelog scan {scan.Elapsed.TotalMilliseconds:N0} ms + decode {decode.Elapsed.TotalMilliseconds:N0} ms ({reader.Restored:N0} agents found, {restored.BehaviourCount:N0} behaviours restored)"));
    }

    private static async Task MemoryAsync(EmbeddedKafkaCluster cluster, int agents)
    {
        const int chunk = 10_000;
        const int eventsPerAgent = 3;
        Console.WriteLine($"\nMemory: {agents:N0} distinct agents, {eventsPerAgent} events each, in steps of {chunk:N0} agents (managed heap after a full GC / working set, MiB)");
        var modes = new (string Name, StateOptions? State)[]
        {
            ("no durable state", null),
            ("eviction beyond 5,000 agents", new StateOptions { CheckpointInterval = TimeSpan.FromMilliseconds(500), MaxAgentsInMemory = 5_000 }),
        };
        var table = new Dictionary<string, List<(int Agents, double Heap, double WorkingSet, int InMemory)>>();
        foreach (var (name, state) in modes)
        {
            string topic = $"memory-{Guid.NewGuid():N}";
            cluster.CreateTopic(topic, Partitions);
            if (state is not null)
            {
                state.Topic = $"state-{Guid.NewGuid():N}";
                cluster.CreateTopic(state.Topic, Partitions);
            }

            var detector = new DriftMonitor();
            var pipeline = Pipeline(cluster.BootstrapServers, topic, detector, state);
            using var stop = new CancellationTokenSource();
            var run = pipeline.RunAsync(stop.Token);
            var rows = table[name] = [];
            var random = new Random(3);
            int produced = 0;
            for (int first = 0; first < agents; first += chunk)
            {
                var batch = new List<(string, byte[])>();
                for (int e = 0; e < eventsPerAgent; e++)
                {
                    for (int a = first; a < Math.Min(agents, first + chunk); a++)
                    {
                        string id = $"agent-{a:D6}";
                        batch.Add((id, AgentEventWriter.ToUtf8Bytes(SyntheticDecision(random, id, DateTimeOffset.UnixEpoch.AddSeconds(a + e), e))));
                    }
                }

                produced += Produce(cluster.BootstrapServers, topic, batch);
                await Progress.TimeAsync(() => true, () => pipeline.Statistics.Committed >= produced, run, TimeSpan.FromMinutes(5), name);
                await Task.Delay(700); // a checkpoint round, so eviction has run
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect();
                using var process = Process.GetCurrentProcess();
                rows.Add((Math.Min(agents, first + chunk), GC.GetTotalMemory(false) / 1048576.0, process.WorkingSet64 / 1048576.0, state is null ? detector.Agents.Count : pipeline.AgentsInMemory));
            }

            await stop.CancelAsync();
            await run;
        }

        Console.WriteLine($"  {"agents seen",12} | {modes[0].Name + " heap / WS / in memory",-44} | {modes[1].Name + " heap / WS / in memory",-50}");
        for (int i = 0; i < table[modes[0].Name].Count; i++)
        {
            var a = table[modes[0].Name][i];
            var b = table[modes[1].Name][i];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {a.Agents,12:N0} | {a.Heap,10:N1} / {a.WorkingSet,8:N0} / {a.InMemory,8:N0}{"",14} | {b.Heap,10:N1} / {b.WorkingSet,8:N0} / {b.InMemory,8:N0}"));
        }
    }

    private static IngestPipeline Pipeline(string bootstrapServers, string topic, DriftMonitor detector, StateOptions? state)
    {
        var kafka = new KafkaConsumerOptions { BootstrapServers = bootstrapServers, GroupId = $"bench-{Guid.NewGuid():N}" };
        kafka.Topics.Clear();
        kafka.Topics.Add(topic);
        var options = new PipelineOptions { DeadLetterTopic = $"{topic}.dlq", AlertsTopic = string.Empty };
        return new IngestPipeline(kafka, options, detector, [], NullLoggerFactory.Instance, TimeProvider.System, detector, state ?? new StateOptions { Enabled = false });
    }

    /// <summary>
    /// Checkpoint bytes of one agent with the ML detectors on (defaults: domain classifier on both texts, PCA),
    /// on a simulated agent with realistic texts: while the reference fills and armed, mid-window.
    /// </summary>
    private static void MlSizes()
    {
        var options = new SimulationOptions { Agents = 1, Events = 6_000, Seed = 42 };
        var events = new FleetSimulator(options).Generate().Where(r => r.Decision is not null).Select(r => r.Decision!).ToList();
        string agent = events[0].AgentId;
        int behaviours = events.Select(e => e.DecisionName).Distinct().Count();
        Console.WriteLine($"\nCheckpoint size with the ML detectors: one simulated agent, {behaviours} behaviour(s)");
        foreach (int count in new[] { 1_500, 2_125, 4_125 })
        {
            using var ml = DriftWatch.Ml.MlDriftMonitor.Create(new DriftMonitorOptions(), new DriftWatch.Ml.MlDetectionOptions());
            var plain = new DriftMonitor();
            foreach (var decision in events.Take(count))
            {
                ml.Observe(decision);
                plain.Observe(decision);
            }

            // As `driftwatch run` has it: ML detectors and the snapshot recorder (hourly periods) on one monitor.
            var all = new DriftMonitor();
            using var allMl = new DriftWatch.Ml.MlDriftMonitor(all, new DriftWatch.Ml.MlDetectionOptions());
            var directory = Directory.CreateTempSubdirectory("driftwatch-bench-snapshots-");
            var recorder = new DriftWatch.Service.Snapshots.SnapshotRecorder(all, new Core.Snapshots.LocalDirectorySnapshotStore(directory.FullName));
            foreach (var decision in events.Take(count))
            {
                recorder.Observe(decision);
            }

            recorder.DisposeAsync().AsTask().GetAwaiter().GetResult();
            directory.Delete(recursive: true);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  after {count:N0} events: ML on {ml.Inner.CheckpointAgentUnit(agent, null)!.Length:N0} bytes, statistical only {plain.CheckpointAgentUnit(agent, null)!.Length:N0} bytes, ML + snapshot recorder {all.CheckpointAgentUnit(agent, null)!.Length:N0} bytes"));
        }
    }

    private static DecisionEvent SyntheticDecision(Random random, string agent, DateTimeOffset at, int i)
    {
        string[] outcomes = ["billing", "general", "escalations", "tech_support", "self_service"];
        string[] urgencies = ["low", "normal", "high"];
        string[] words = ["refund", "late", "order", "invoice", "password", "outage", "charge", "account", "thanks", "help"];
        return new DecisionEvent
        {
            EventId = $"{agent}-{i}",
            AgentId = agent,
            Timestamp = at,
            DecisionName = "route",
            Outcome = outcomes[random.Next(outcomes.Length)],
            Confidence = random.NextDouble(),
            InputText = $"{words[random.Next(words.Length)]} {words[random.Next(words.Length)]} {words[random.Next(words.Length)]}",
            InputFeatures = new Dictionary<string, string> { ["urgency"] = urgencies[random.Next(urgencies.Length)], ["channel"] = random.Next(2) == 0 ? "email" : "chat" },
            Metrics = new Dictionary<string, double> { ["latency_ms"] = 200 + (random.NextDouble() * 600), ["tokens_out"] = random.Next(50, 300) },
            StateVersion = $"mem-{i / 500:D4}",
        };
    }

    private static int Produce(string bootstrapServers, string topic, IEnumerable<(string Key, byte[] Value)> messages)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            LingerMs = 20,
            BatchSize = 1_000_000,
            QueueBufferingMaxMessages = 1_000_000,
            QueueBufferingMaxKbytes = 1_048_576,
            CompressionType = CompressionType.Zstd, // the embedded cluster keeps 5 MiB per partition
        }).Build();
        int count = 0;
        foreach (var (key, value) in messages)
        {
            producer.Produce(topic, new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value });
            count++;
        }

        producer.Flush(TimeSpan.FromMinutes(2));
        return count;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
