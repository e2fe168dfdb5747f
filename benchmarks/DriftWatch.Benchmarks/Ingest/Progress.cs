using System.Diagnostics;

namespace DriftWatch.Benchmarks.Ingest;

/// <summary>
/// Times a run from its first message to its last one, by sampling counters the run exposes, so that the
/// group join and start-up (the same for every mode) are left out.
/// </summary>
internal static class Progress
{
    internal static async Task<Measurement> TimeAsync(Func<bool> started, Func<bool> done, Task run, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        long? first = null;
        var cpu = TimeSpan.Zero;
        while (true)
        {
            if (first is null && started())
            {
                first = Stopwatch.GetTimestamp();
                cpu = Environment.CpuUsage.TotalTime;
            }

            if (done())
            {
                return new Measurement(
                    Stopwatch.GetElapsedTime(first ?? Stopwatch.GetTimestamp()),
                    first is null ? TimeSpan.Zero : Environment.CpuUsage.TotalTime - cpu);
            }

            if (run.IsCompleted)
            {
                await run;
                throw new InvalidOperationException($"{what} ended before consuming every message.");
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} did not consume every message within {timeout.TotalSeconds:F0} s.");
            }

            await Task.Delay(1);
        }
    }
}
