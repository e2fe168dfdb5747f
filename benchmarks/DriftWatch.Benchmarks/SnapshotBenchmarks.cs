using BenchmarkDotNet.Attributes;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;
using DriftWatch.Simulation;

namespace DriftWatch.Benchmarks;

/// <summary>
/// Snapshot creation speed per event against a baseline that only reads the same fields of the same
/// events, and the size of a snapshot of one million events (printed by the setup: "snapshot size").
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SnapshotBenchmarks
{
    private const int Events = 1_000_000;

    // A pool of distinct events replayed to reach a million keeps the benchmark's own memory small
    // (a million event objects would need over a gigabyte); every add still does the full work.
    private const int Pool = 20_000;

    private SnapshotScope _scope = new("agent", "production");
    private DecisionEvent[] _pool = [];

    [GlobalSetup]
    public void Setup()
    {
        // One simulated agent's decisions: realistic features, texts, tool calls and metrics.
        _pool = new FleetSimulator(new SimulationOptions { Seed = 42, Agents = 1, Events = Pool })
            .Generate()
            .Where(static r => r.IsDecision)
            .Select(static r => r.Decision!)
            .ToArray();
        _scope = new SnapshotScope(_pool[0].AgentId, _pool[0].Environment);
        var snapshot = BuildSnapshot();
        Console.WriteLine($"// snapshot size: {snapshot.ToUtf8Json().Length} bytes for {snapshot.EventCount} events ({snapshot.Id})");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public double ReadEvents()
    {
        // Touches what the builder reads, without summarising it.
        double sum = 0;
        for (var i = 0; i < Events; i++)
        {
            var e = _pool[i % _pool.Length];
            sum += e.Outcome.Length + (e.Confidence ?? 0) + (e.Sentiment ?? 0) + (e.OutputText?.Length ?? 0) + (e.InputText?.Length ?? 0);
            foreach (var (key, value) in e.InputFeatures)
            {
                sum += key.Length + value.Length;
            }

            foreach (var value in e.Metrics.Values)
            {
                sum += value;
            }

            foreach (var call in e.ToolCalls)
            {
                sum += call.Name.Length;
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public BehaviourSnapshot BuildSnapshot()
    {
        var builder = new SnapshotBuilder(_scope);
        for (var i = 0; i < Events; i++)
        {
            builder.Add(_pool[i % _pool.Length]);
        }

        return builder.Build();
    }
}
