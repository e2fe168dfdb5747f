using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Simulation;

namespace DriftWatch.Benchmarks;

/// <summary>
/// Quick figures for the detection engine without BenchmarkDotNet's long runs (`dotnet run -c Release --
/// detection-figures`): throughput against JSON parsing, memory per agent for 1,000 agents at two stream
/// lengths, and detection quality on the fleet simulator (false alarms, delays).
/// </summary>
internal static class DetectionFigures
{
    /// <summary>Runs the named sections (throughput, memory, quality), or all of them when none is named.</summary>
    public static void Run(TextWriter output, IReadOnlyCollection<string> sections)
    {
        bool all = sections.Count == 0;
        if (all || sections.Contains("throughput"))
        {
            Throughput(output);
        }

        if (all || sections.Contains("memory"))
        {
            MemoryPerAgent(output, agents: 1000);
        }

        if (all || sections.Contains("quality"))
        {
            Quality(output);
        }
    }

    private static void Throughput(TextWriter output)
    {
        var events = DetectionWorkload.Decisions(agents: 4, events: 40_000, seed: 5).ToArray();
        var json = events.Select(AgentEventWriter.ToUtf8Bytes).ToArray();
        var monitor = new DriftMonitor();
        foreach (var e in events)
        {
            monitor.Observe(e); // arm and warm up
        }

        double parse = Best(() =>
        {
            foreach (byte[] message in json)
            {
                using var document = JsonDocument.Parse(message);
            }
        }) / json.Length;
        double detect = Best(() =>
        {
            foreach (var e in events)
            {
                monitor.Observe(e);
            }
        }) / events.Length;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput: feature update + detection {1 / detect:N0} events per CPU-second ({detect * 1e9:N0} ns/event); JsonDocument.Parse {1 / parse:N0} events/s ({parse * 1e9:N0} ns/event); detection/parse time ratio {detect / parse:0.00}"));
    }

    private static void MemoryPerAgent(TextWriter output, int agents)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var monitor = new DriftMonitor();
        var options = new SimulationOptions { Seed = 9, Agents = agents, Events = agents * 5000, StateChangeEvery = 0 };
        long fed = 0;
        foreach (var record in new FleetSimulator(options).Generate())
        {
            if (record.Decision is not { } decision)
            {
                continue;
            }

            monitor.Observe(decision);
            fed++;
            if (fed == (long)agents * 2500)
            {
                Report(output, "armed, 2,500 events/agent", monitor, before, agents);
            }
        }

        Report(output, "5,000 events/agent", monitor, before, agents);
        GC.KeepAlive(monitor);
    }

    private static void Report(TextWriter output, string label, DriftMonitor monitor, long before, int agents)
    {
        long after = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory ({agents:N0} agents, {label}): {(after - before) / (double)agents:N0} bytes/agent ({monitor.BehaviourCount} behaviours)"));
    }

    private static void Quality(TextWriter output)
    {
        long quiet = 0;
        int falseAlarms = 0;
        for (int seed = 100; seed < 106; seed++)
        {
            var monitor = new DriftMonitor();
            foreach (var e in DetectionWorkload.Decisions(agents: 4, events: 100_000, seed: seed))
            {
                falseAlarms += monitor.Observe(e).Alerts.Count;
                quiet++;
            }

            quiet -= 4 * monitor.Options.ReferenceSize;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"false alarms: {falseAlarms} episodes over {quiet:N0} quiet events = {falseAlarms * 10_000.0 / quiet:0.###} per 10k"));

        foreach (var mode in new[] { DriftMode.Sudden, DriftMode.Gradual })
        {
            var delays = new List<int>();
            int named = 0;
            int runs = 0;
            foreach (var kind in Enum.GetValues<DriftKind>())
            {
                for (int seed = 1; seed <= 4; seed++)
                {
                    runs++;
                    var scenario = new DriftScenario(kind) { Mode = mode, Onset = 0.5 };
                    var simulator = new FleetSimulator(new SimulationOptions { Seed = seed, Agents = 2, Events = 16_000, StateChangeEvery = 0, Scenarios = { scenario } });
                    var truth = simulator.Manifest.Scenarios[0];
                    var monitor = new DriftMonitor();
                    int index = 0;
                    bool found = false;
                    foreach (var record in simulator.Generate())
                    {
                        if (record.Decision is not { } e)
                        {
                            continue;
                        }

                        var step = monitor.Observe(e);
                        if (e.AgentId != truth.AgentId)
                        {
                            continue;
                        }

                        if (!found && step.Alerts.FirstOrDefault(a => a.Key.AgentId == truth.AgentId) is { } alert)
                        {
                            found = true;
                            delays.Add(index - truth.OnsetAgentIndex);
                            named += alert.Feature == truth.ExpectedFeature ? 1 : 0;
                        }

                        index++;
                    }
                }
            }

            delays.Sort();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{mode} drift: detected {delays.Count}/{runs}, first alert names the drifted feature {named}/{runs}, delay median {delays[delays.Count / 2]} max {delays[^1]} events"));
        }
    }

    /// <summary>
    /// Best of five runs, in seconds of processor time of this process (not wall time): on a shared machine
    /// wall time also counts the time other processes held the core, which would understate per-core speed.
    /// </summary>
    private static double Best(Action action)
    {
        double best = double.MaxValue;
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < 5; i++)
        {
            process.Refresh();
            var start = process.TotalProcessorTime;
            action();
            process.Refresh();
            best = Math.Min(best, (process.TotalProcessorTime - start).TotalSeconds);
        }

        return best;
    }
}
