using System.Text.Json;
using BenchmarkDotNet.Attributes;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Simulation;

namespace DriftWatch.Benchmarks;

/// <summary>
/// Per-event cost of feature update plus detection (windows closing and being tested every 250 events of
/// each behaviour, amortised) beside plain JSON parsing of the same events with JsonDocument.Parse.
/// </summary>
[MemoryDiagnoser]
public class DetectionBenchmarks
{
    private const int Events = 20_000;

    private DecisionEvent[] _events = [];
    private byte[][] _json = [];
    private DriftMonitor _monitor = null!;

    [GlobalSetup]
    public void Setup()
    {
        _events = DetectionWorkload.Decisions(agents: 4, events: Events, seed: 5).ToArray();
        _json = _events.Select(AgentEventWriter.ToUtf8Bytes).ToArray();
        _monitor = new DriftMonitor();
        // Arm every behaviour first so the measured path is the steady state, tests included.
        foreach (var e in _events)
        {
            _monitor.Observe(e);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public int JsonDocumentParse()
    {
        int total = 0;
        foreach (byte[] json in _json)
        {
            using var document = JsonDocument.Parse(json);
            total += document.RootElement.GetArrayLength0();
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public int FeatureUpdateAndDetection()
    {
        int alerts = 0;
        foreach (var e in _events)
        {
            alerts += _monitor.Observe(e).Alerts.Count;
        }

        return alerts;
    }
}

/// <summary>Events for the detection measurements, from the fleet simulator.</summary>
internal static class DetectionWorkload
{
    public static IEnumerable<DecisionEvent> Decisions(int agents, int events, long seed, params DriftScenario[] scenarios)
    {
        var options = new SimulationOptions { Seed = seed, Agents = agents, Events = events, StateChangeEvery = 0 };
        foreach (var scenario in scenarios)
        {
            options.Scenarios.Add(scenario);
        }

        foreach (var record in new FleetSimulator(options).Generate())
        {
            if (record.Decision is { } decision)
            {
                yield return decision;
            }
        }
    }

    // Touches the parsed document so the parse cannot be optimised away.
    public static int GetArrayLength0(this JsonElement element) => element.ValueKind == JsonValueKind.Object ? 1 : 0;
}
