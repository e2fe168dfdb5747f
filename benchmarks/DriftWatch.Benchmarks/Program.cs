using BenchmarkDotNet.Running;
using DriftWatch.Benchmarks;

if (args is ["ml-cpu", ..])
{
    MlCpuCost.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
