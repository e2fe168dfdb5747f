using BenchmarkDotNet.Running;

if (args is ["detection-figures", ..])
{
    DriftWatch.Benchmarks.DetectionFigures.Run(Console.Out, args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
