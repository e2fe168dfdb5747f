using BenchmarkDotNet.Running;
using DriftWatch.Benchmarks;
using DriftWatch.Benchmarks.Client;
using DriftWatch.Benchmarks.Influx;
using DriftWatch.Benchmarks.Ingest;
using DriftWatch.Benchmarks.Replay;
using DriftWatch.Benchmarks.State;
using DriftWatch.Benchmarks.Statistics;

// Harnesses that need a live server, or report figures rather than timings, run by name outside
// BenchmarkDotNet: `dotnet run -c Release -- ingest | state | influx-sink | detection-figures | ml-cpu | ks-scipy | parse-figures | replay | latency | client`.
switch (args)
{
    case ["ingest", .. var rest]:
        return await IngestBenchmark.RunAsync(rest);
    case ["state", .. var rest]:
        return await StateBenchmark.RunAsync(rest);
    case ["influx-sink", .. var rest]:
        return await InfluxSinkBenchmark.RunAsync(rest);
    case ["detection-figures", .. var rest]:
        DetectionFigures.Run(Console.Out, rest);
        return 0;
    case ["latency", .. var rest]:
        return await LatencyBenchmark.RunAsync(rest);
    case ["replay", .. var rest]:
        return await ReplayBenchmark.RunAsync(rest);
    case ["parse-figures", ..]:
        return ParseFigures.Run();
    case ["ks-scipy", .. var rest]:
        return await KsScipyBenchmark.RunAsync(rest);
    case ["client", .. var rest]:
        return await ClientPublishBenchmark.RunAsync(rest);
    case ["ml-cpu", ..]:
        MlCpuCost.Run();
        return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
