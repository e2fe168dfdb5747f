using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Replay;
using DriftWatch.Simulation;

namespace DriftWatch.Benchmarks.Replay;

/// <summary>
/// `dotnet run -c Release -- replay [--events N] [--repetitions R]`: replay of a simulated JSONL file (4
/// agents, one drift) beside reading the same file and parsing every line with JsonDocument.Parse, all in
/// one run, the modes interleaved in every repetition so that load on the machine hits them alike. Modes:
/// `read+parse bytes` (1 MiB reads, lines split on the bytes, JsonDocument.Parse of each span: the baseline),
/// `read+parse text` (StreamReader.ReadLine, re-encoded to UTF-8, JsonDocument.Parse), `replay text` (the
/// TextReader overload, what replay did before) and `replay bytes/Nw` (the Stream overload `driftwatch replay`
/// uses, detection sharded by agent over N monitors, one per `--workers` count; 1 is the one-thread replay). Reports lines/s per mode (median, min and max over repetitions, wall clock and processor time) and
/// each mode's ratio to the baseline of the same repetition.
/// </summary>
internal static class ReplayBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int events = 200_000;
        int repetitions = 5;
        int[] workers = [1, 2];
        int agents = 4;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--events": events = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--repetitions": repetitions = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--agents": agents = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--workers": workers = [.. args[i + 1].Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture))]; break;
            }
        }

        string path = Path.Combine(Path.GetTempPath(), agents == 4 ? $"driftwatch-replay-bench-{events}.jsonl" : $"driftwatch-replay-bench-{events}-{agents}.jsonl");
        if (!File.Exists(path))
        {
            await WriteFileAsync(path, events, agents).ConfigureAwait(false);
        }

        var modes = new List<(string Name, Func<Task<long>> Run)>
        {
            ("read+parse bytes", () => Task.FromResult(ReadParseBytes(path))),
            ("read+parse text", () => ReadParseTextAsync(path)),
            ("replay text", async () => (await new ReplayRunner().RunAsync(new StreamReader(path, Encoding.UTF8, true, 1 << 16), TextWriter.Null).ConfigureAwait(false)).Lines),
        };
        foreach (int count in workers)
        {
            modes.Add(($"replay bytes/{count}w", async () =>
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                var shards = Enumerable.Range(0, count).Select(_ => (IDriftMonitor)new DriftMonitor()).ToList();
                return (await new ReplayRunner(shards).RunAsync(stream, TextWriter.Null).ConfigureAwait(false)).Lines;
            }));
        }

        var wall = modes.Select(_ => new List<double>()).ToArray();
        var cpu = modes.Select(_ => new List<double>()).ToArray();
        var ratios = modes.Select(_ => new List<double>()).ToArray();
        using var self = Process.GetCurrentProcess();
        for (int rep = 0; rep <= repetitions; rep++) // repetition 0 warms up and is not counted
        {
            for (int m = 0; m < modes.Count; m++)
            {
                GC.Collect();
                self.Refresh();
                var cpuStart = self.TotalProcessorTime;
                long start = Stopwatch.GetTimestamp();
                long lines = await modes[m].Run().ConfigureAwait(false);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                self.Refresh();
                double cpuSeconds = (self.TotalProcessorTime - cpuStart).TotalSeconds;
                if (rep > 0)
                {
                    wall[m].Add(lines / seconds);
                    cpu[m].Add(lines / cpuSeconds);
                }
            }

            if (rep > 0)
            {
                for (int m = 0; m < modes.Count; m++)
                {
                    ratios[m].Add(wall[m][^1] / wall[0][^1]);
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replay: {events:N0} events, {agents} agents, {new FileInfo(path).Length / 1e6:0.0} MB, {repetitions} repetitions, {Environment.ProcessorCount} cores; load average {LoadAverage()}"));
        Console.WriteLine("| mode | lines/s wall (median, min-max) | ratio to read+parse bytes (median, min-max) | lines per CPU-second (median) |");
        Console.WriteLine("|---|---:|---:|---:|");
        for (int m = 0; m < modes.Count; m++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {modes[m].Name} | {Median(wall[m]):N0} ({wall[m].Min():N0}-{wall[m].Max():N0}) | {Median(ratios[m]):0.00} ({ratios[m].Min():0.00}-{ratios[m].Max():0.00}) | {Median(cpu[m]):N0} |"));
        }

        return 0;
    }

    private static long ReadParseBytes(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        byte[] buffer = new byte[1 << 20];
        int end = 0;
        long lines = 0;
        while (true)
        {
            int read = stream.Read(buffer, end, buffer.Length - end);
            end += read;
            int start = 0;
            while (start < end)
            {
                int at = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (at < 0 && read > 0)
                {
                    break;
                }

                int length = at < 0 ? end - start : at;
                if (length > 0)
                {
                    using var document = JsonDocument.Parse(buffer.AsMemory(start, length));
                }

                lines++;
                start += length + 1;
            }

            if (read == 0)
            {
                return lines;
            }

            Buffer.BlockCopy(buffer, Math.Min(start, end), buffer, 0, end - Math.Min(start, end));
            end -= Math.Min(start, end);
        }
    }

    private static async Task<long> ReadParseTextAsync(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, true, 1 << 16);
        long lines = 0;
        byte[] buffer = new byte[1 << 16];
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lines++;
            int length = Encoding.UTF8.GetBytes(line, buffer);
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
        }

        return lines;
    }

    private static async Task WriteFileAsync(string path, int events, int agents)
    {
        var options = new SimulationOptions { Seed = 11, Agents = agents, Events = events };
        options.Scenarios.Add(new DriftScenario(DriftKind.Misrouting) { Onset = 0.5 });
        await using var file = new FileStream(path + ".tmp", FileMode.Create);
        foreach (var record in new FleetSimulator(options).Generate())
        {
            file.Write(record.Decision is { } d ? AgentEventWriter.ToUtf8Bytes(d) : AgentEventWriter.ToUtf8Bytes(record.State!));
            file.WriteByte((byte)'\n');
        }

        await file.DisposeAsync().ConfigureAwait(false);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
