using BenchmarkDotNet.Running;
using DriftWatch.Benchmarks.Ingest;

// Harnesses that need a live server run outside BenchmarkDotNet: `dotnet run -c Release -- ingest`.
if (args is ["ingest", .. var rest])
{
    return await IngestBenchmark.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
