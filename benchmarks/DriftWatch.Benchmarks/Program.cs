using BenchmarkDotNet.Running;
using DriftWatch.Benchmarks.Ingest;

// `ingest` measures Kafka ingest end to end (see benchmarks/README.md); anything else is BenchmarkDotNet's.
if (args.Length > 0 && args[0] == "ingest")
{
    return await IngestBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
