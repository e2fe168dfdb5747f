using BenchmarkDotNet.Running;
using DriftWatch.Benchmarks.Influx;
using DriftWatch.Benchmarks.Ingest;

// Harnesses that need a live server, or report figures rather than timings, run by name outside
// BenchmarkDotNet: `dotnet run -c Release -- ingest | influx-sink | detection-figures`.
switch (args)
{
    case ["ingest", .. var rest]:
        return await IngestBenchmark.RunAsync(rest);
    case ["influx-sink", .. var rest]:
        return await InfluxSinkBenchmark.RunAsync(rest);
    case ["detection-figures", .. var rest]:
        DriftWatch.Benchmarks.DetectionFigures.Run(Console.Out, rest);
        return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
