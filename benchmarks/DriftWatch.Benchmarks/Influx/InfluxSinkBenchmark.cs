using System.Diagnostics;
using System.Globalization;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Results;
using DriftWatch.InfluxDb;
using DriftWatch.InfluxDb.Tests.Infrastructure;

namespace DriftWatch.Benchmarks.Influx;

/// <summary>
/// Throughput of <see cref="InfluxResultSink"/> (V1 mode) against a real influxd started for the run, beside a
/// bare HTTP POST of the same line protocol to /write in the same run (the baseline). Every measured run writes
/// into a fresh database, so each one pays the same series-creation cost. Not a BenchmarkDotNet benchmark:
/// it needs a server, and its unit is a whole load of points, not one call.
/// </summary>
internal static class InfluxSinkBenchmark
{
    private const int Agents = 50;
    private const int FeaturesPerAgent = 6;

    public static async Task<int> RunAsync(string[] args)
    {
        var batches = ArgValue(args, "--batches", 150);
        var rounds = ArgValue(args, "--rounds", 3);
        if (InfluxdServer.BinaryPath is null)
        {
            await Console.Error.WriteLineAsync(InfluxdServer.InstallHint);
            return 2;
        }

        var load = Load(batches);
        var lines = load.Select(PointBuilder.Build).ToList();
        var points = lines.Sum(l => l.Count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"InfluxDB sink benchmark: {batches} batches, {points:N0} points ({points / batches} per batch), {rounds} rounds, influxd {InfluxdServer.BinaryPath}"));

        await using var server = await InfluxdServer.StartNewAsync();
        await BarePostAsync(server, lines, 5_000);                      // warm-up: JIT, connections, influxd caches
        await SinkAsync(server, load.Take(20).ToList(), inFlight: 1);

        var results = new Dictionary<string, List<double>>();
        for (var round = 0; round < rounds; round++)
        {
            Add(results, "Bare POST of prebuilt line protocol (baseline)", points, await BarePostAsync(server, lines, 5_000));
            Add(results, "InfluxResultSink.WriteAsync, awaited one batch at a time", points, await SinkAsync(server, load, inFlight: 1));
            Add(results, "InfluxResultSink.WriteAsync, 8 batches in flight", points, await SinkAsync(server, load, inFlight: 8));
        }

        var build = Stopwatch.StartNew();
        var built = 0;
        for (var round = 0; round < rounds; round++)
        {
            built += load.Sum(b => PointBuilder.Build(b).Count);
        }

        build.Stop();

        var baseline = Median(results.First().Value);
        Console.WriteLine();
        Console.WriteLine("| Method | Points/s (median) | Ratio to baseline |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, values) in results)
        {
            var median = Median(values);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:N0} | {median / baseline:F2} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| Point building only (PointBuilder, no I/O) | {built / build.Elapsed.TotalSeconds:N0} | {built / build.Elapsed.TotalSeconds / baseline:F2} |"));
        return 0;
    }

    private static async Task<TimeSpan> BarePostAsync(InfluxdServer server, List<List<string>> lines, int maxPoints)
    {
        var database = await FreshDatabaseAsync(server);
        var watch = Stopwatch.StartNew();
        foreach (var batch in lines)
        {
            for (var start = 0; start < batch.Count; start += maxPoints)
            {
                var body = string.Join('\n', batch.Skip(start).Take(maxPoints));
                await server.WriteAsync(database, body);
            }
        }

        watch.Stop();
        await VerifyAsync(server, database, lines.Sum(l => l.Count));
        return watch.Elapsed;
    }

    private static async Task<TimeSpan> SinkAsync(InfluxdServer server, List<ResultBatch> load, int inFlight)
    {
        var database = await FreshDatabaseAsync(server);
        await using var sink = new InfluxResultSink(new InfluxSinkOptions
        {
            Mode = InfluxWriteMode.V1,
            Url = server.Url,
            Database = database,
        });
        var watch = Stopwatch.StartNew();
        var pending = new Queue<Task>();
        foreach (var batch in load)
        {
            if (pending.Count == inFlight)
            {
                await pending.Dequeue();
            }

            pending.Enqueue(sink.WriteAsync(batch, CancellationToken.None));
        }

        await Task.WhenAll(pending);
        watch.Stop();
        await VerifyAsync(server, database, load.Sum(b => PointBuilder.Build(b).Count));
        return watch.Elapsed;
    }

    // A run counts only if the server holds every point it was sent.
    private static async Task VerifyAsync(InfluxdServer server, string database, int expected)
    {
        long stored = 0;
        foreach (var measurement in new[]
                 {
                     (InfluxSchema.DriftScore, "score"), (InfluxSchema.DriftAlert, "score"), (InfluxSchema.WindowStats, "event_count"),
                     (InfluxSchema.WindowOutcome, "share"), (InfluxSchema.WindowNumeric, "value"), (InfluxSchema.PipelineHealth, "events_processed"),
                 })
        {
            var result = await server.QueryAsync($"SELECT count(\"{measurement.Item2}\") FROM \"{measurement.Item1}\"", database);
            stored += result.Series.Sum(s => (long)(s.Numbers("count").Single() ?? 0));
        }

        if (stored != expected)
        {
            throw new InvalidOperationException($"{database} holds {stored} points, expected {expected}.");
        }
    }

    private static async Task<string> FreshDatabaseAsync(InfluxdServer server)
    {
        var name = "bench_" + Guid.NewGuid().ToString("N")[..10];
        await server.CreateDatabaseAsync(name);
        return name;
    }

    // Per batch: one score per agent and feature, one window (stats, 3 outcomes, 3 means) per agent,
    // an alert now and then, and a health reading: the shape of one flush of the stream.
    private static List<ResultBatch> Load(int batches)
    {
        var start = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        var load = new List<ResultBatch>(batches);
        for (var b = 0; b < batches; b++)
        {
            var at = start.AddSeconds(b * 10);
            var scores = new List<FeatureScore>();
            var alerts = new List<DriftAlert>();
            var windows = new List<WindowSummary>();
            for (var a = 0; a < Agents; a++)
            {
                var key = new BehaviourKey($"agent-{a:D3}", a % 5 == 0 ? "staging" : "production", "route");
                for (var f = 0; f < FeaturesPerAgent; f++)
                {
                    var score = 0.1 + ((a * 7 + f * 3 + b) % 17 / 10.0);
                    scores.Add(new FeatureScore(key, $"feature.{f}", f % 2 == 0 ? "chi2" : "ks", score, 1.2, at, at.AddMinutes(-5), at, 2000, 200));
                }

                if ((a + b) % 40 == 0)
                {
                    alerts.Add(new DriftAlert(key, "feature.0", "chi2", 2.5, 1.2, AlertSeverity.Warning, at, at.AddMinutes(-5), at,
                        "escalations 12% -> 41%", [new ValueShift("escalate", 0.12, 0.41)]));
                }

                windows.Add(new WindowSummary(key, at.AddSeconds(-10), at, 120,
                    new Dictionary<string, double> { ["billing"] = 0.5, ["technical"] = 0.3, ["escalate"] = 0.2 },
                    new Dictionary<string, double> { ["decision.confidence"] = 0.8, ["output.sentiment"] = 0.1, ["metrics.latency_ms"] = 580 }));
            }

            load.Add(new ResultBatch(scores, alerts, windows, new PipelineHealth(at, "dw-0", b * 6000L, 600, b / 10, 25)));
        }

        return load;
    }

    private static void Add(Dictionary<string, List<double>> results, string name, int points, TimeSpan elapsed)
    {
        if (!results.TryGetValue(name, out var list))
        {
            results[name] = list = [];
        }

        list.Add(points / elapsed.TotalSeconds);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int ArgValue(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
