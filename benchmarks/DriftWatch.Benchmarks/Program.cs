using BenchmarkDotNet.Running;
using DriftWatch.Benchmarks.Influx;

// Harnesses that need a live server run outside BenchmarkDotNet: `dotnet run -c Release -- influx-sink`.
if (args is ["influx-sink", .. var rest])
{
    return await InfluxSinkBenchmark.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
