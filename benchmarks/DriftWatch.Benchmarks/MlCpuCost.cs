using System.Diagnostics;
using System.Globalization;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Ml;
using DriftWatch.Ml.Embeddings;
using DriftWatch.Ml.Internal;
using DriftWatch.Ml.Text;
using DriftWatch.Simulation;

namespace DriftWatch.Benchmarks;

/// <summary>
/// CPU time (not wall time) of the ML detectors' per-window work, for machines whose cores are shared with
/// other load, where BenchmarkDotNet's wall-clock figures mostly measure waiting. Run with
/// <c>dotnet run -c Release --project benchmarks/DriftWatch.Benchmarks -- ml-cpu</c>. Each figure is the
/// median over repetitions of the process CPU time of one operation, after three warm-up calls.
/// </summary>
internal static class MlCpuCost
{
    public static void Run()
    {
        var events = Generate("new-reply-vocabulary:onset=0.5", 8000);
        var reference = events.Take(250).Select(e => e.OutputText ?? "").ToList();
        var quiet = events.Skip(2500).Take(250).Select(e => e.OutputText ?? "").ToList();
        var drifted = events.Skip(5000).Take(250).Select(e => e.OutputText ?? "").ToList();
        var classifier = new DomainClassifier(new DomainClassifierOptions());
        double z = DriftWatch.Core.Statistics.SpecialFunctions.NormalInverseSurvival(8.3e-4);

        Report("domain classifier, one feature, quiet window (250 vs 250 texts)", 15, () => classifier.Test(reference, quiet, 7, z));
        Report("domain classifier, one feature, drifted window (250 vs 250 texts)", 15, () => classifier.Test(reference, drifted, 7, z));

        var statistical = new DriftMonitor(new DriftMonitorOptions { CurrentWindowDuration = null });
        var ml = new MlDriftMonitor(new DriftMonitor(new DriftMonitorOptions { CurrentWindowDuration = null }), new MlDetectionOptions());
        for (int i = 0; i < 2000; i++)
        {
            statistical.Observe(events[i]);
            ml.Observe(events[i]);
        }

        int nextStatistical = 2000;
        int nextMl = 2000;
        Report("statistical DriftMonitor, one 250-event window", 24, () => Feed(statistical, events, ref nextStatistical));
        Report("MlDriftMonitor defaults (statistical + domain x2 + PCA), one 250-event window", 24, () => Feed(ml, events, ref nextMl));

        using var embedder = new MiniLmEmbedder();
        var distinct = events.Select(e => e.OutputText ?? "").Distinct(StringComparer.Ordinal).Take(64).ToArray();
        Report("MiniLM, 32 sentences at batch 1 (per sentence)", 5, () => Embed(embedder, distinct[..32], 1), perOperation: 32);
        Report("MiniLM, 32 sentences at batch 16 (per sentence)", 5, () => Embed(embedder, distinct[32..64], 16), perOperation: 32);
        var x = embedder.Embed(reference.Take(64).ToArray(), CancellationToken.None);
        var y = embedder.Embed(drifted.Take(64).ToArray(), CancellationToken.None);
        Report("embedding comparison, 64 + 64 vectors, 2,000 permutations", 10, () => EmbeddingDriftTest.Run(x, y, 5e-4, 2000, 7));
        ml.Dispose();
    }

    private static void Report(string name, int repetitions, Action action, int perOperation = 1)
    {
        for (int w = 0; w < 3; w++)
        {
            action(); // warm-up: tiered JIT and first-call allocations are not per-window costs
        }

        var process = Process.GetCurrentProcess();
        var cpu = new double[repetitions];
        var wall = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            action();
            wall[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / perOperation;
            process.Refresh();
            cpu[r] = (process.TotalProcessorTime - before).TotalMilliseconds / perOperation;
        }

        Array.Sort(cpu);
        Array.Sort(wall);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {cpu[repetitions / 2]:0.0} ms | {wall[repetitions / 2]:0.0} ms |"));
    }

    private static int Feed(IDriftMonitor monitor, DecisionEvent[] events, ref int next)
    {
        int results = 0;
        for (int i = 0; i < 250; i++)
        {
            if (next == events.Length)
            {
                next = 2000;
            }

            results += monitor.Observe(events[next++]).Scores.Count;
        }

        return results;
    }

    private static void Embed(MiniLmEmbedder embedder, string[] texts, int batch)
    {
        for (int start = 0; start < texts.Length; start += batch)
        {
            embedder.Embed(texts[start..Math.Min(start + batch, texts.Length)], CancellationToken.None);
        }
    }

    private static DecisionEvent[] Generate(string scenario, int count)
    {
        var options = new SimulationOptions { Agents = 1, Events = count, Scenarios = { DriftScenario.Parse(scenario) } };
        return [.. new FleetSimulator(options).Generate().Where(r => r.Decision is not null).Select(r => r.Decision!)];
    }
}
