using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using DriftWatch.Evaluation;

// Detection evaluation: simulate every drift scenario to a file, replay it, score against the ground truth.
EvaluationSettings settings;
try
{
    settings = EvaluationSettings.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(EvaluationSettings.Usage);
    return 2;
}

var work = settings.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "driftwatch-evaluation-" + Environment.ProcessId);
Directory.CreateDirectory(work);
var cases = EvaluationCase.Plan(settings);
var results = new CaseResult[cases.Count];
var clock = Stopwatch.StartNew();
var done = 0;
Parallel.For(0, cases.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallel }, i =>
{
    results[i] = CaseRunner.Run(cases[i], work, settings.KeepFiles, settings.Ml);
    var r = results[i];
    Console.WriteLine(
        $"[{Interlocked.Increment(ref done)}/{cases.Count}] {r.Group} seed {r.Seed}: " +
        $"detected={r.DriftWatch.Detected?.ToString() ?? "-"} delay={r.DriftWatch.DelayEvents?.ToString() ?? "-"} " +
        $"feature={r.DriftWatch.FirstAlertFeature ?? "-"} falseAlarms={r.DriftWatch.FalseAlarms} " +
        $"| baseline detected={r.Baseline.Detected?.ToString() ?? "-"} delay={r.Baseline.DelayEvents?.ToString() ?? "-"} falseAlarms={r.Baseline.FalseAlarms} ({r.Seconds:F1} s)");
});
if (!settings.KeepFiles && settings.WorkDirectory is null)
{
    Directory.Delete(work, recursive: true);
}

var seconds = clock.Elapsed.TotalSeconds;

// Process CPU over the whole run (generating, parsing and detecting): with and without --ml on the same cases, the
// difference per replayed event is what the ML detectors cost.
var cpuSeconds = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
var replayedEvents = results.Sum(r => r.AgentDecisions.Values.Sum(v => (long)v));
Console.WriteLine($"detectors: {(settings.Ml ? "statistical + ML" : "statistical")}; CPU {cpuSeconds:F1} s for {replayedEvents:N0} decisions = {cpuSeconds * 1e6 / Math.Max(replayedEvents, 1):F1} µs per decision; wall {seconds:F1} s");
Directory.CreateDirectory(settings.OutDirectory);
var jsonPath = Path.Combine(settings.OutDirectory, "evaluation.json");
var json = new JsonSerializerOptions
{
    WriteIndented = true,
    PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
};
var report = new
{
    Command = settings.CommandLine(),
    settings.Seeds,
    settings.Events,
    settings.Agents,
    settings.QuietEvents,
    settings.SparseSeeds,
    settings.SparseEvents,
    Seconds = Math.Round(seconds, 1),
    CpuSeconds = Math.Round(cpuSeconds, 1),
    Detectors = settings.Ml ? "statistical+ml" : "statistical",
    Processors = Environment.ProcessorCount,
    Runtime = Environment.Version.ToString(),
    Baseline = new { Name = MeanShiftDetector.Name, MeanShiftDetector.ReferenceSize, MeanShiftDetector.WindowSize, MeanShiftDetector.ZThreshold },
    Runs = results,
};
await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, json) + "\n");
Console.WriteLine($"wrote {jsonPath}");

var markdown = MarkdownReport.Render(settings, results, seconds);
if (settings.Readme is { } readme)
{
    var existing = File.Exists(readme) ? await File.ReadAllTextAsync(readme) : null;
    await File.WriteAllTextAsync(readme, MarkdownReport.Merge(existing, markdown));
    Console.WriteLine($"updated {readme}");
}
else
{
    Console.WriteLine(markdown);
}

return 0;
