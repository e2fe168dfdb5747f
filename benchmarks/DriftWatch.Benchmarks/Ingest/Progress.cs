using System.Diagnostics;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Service.Pipeline;

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

    /// <summary>The consumer options of a mode: the product's defaults, one topic, the run's own group.</summary>
    internal static KafkaConsumerOptions Consumer(string bootstrapServers, string topic, string group)
    {
        var options = new KafkaConsumerOptions { BootstrapServers = bootstrapServers, GroupId = group };
        options.Topics.Clear();
        options.Topics.Add(topic);
        return options;
    }

    /// <summary>
    /// Runs <paramref name="pipeline"/> until it has committed <paramref name="messages"/> offsets, timed from
    /// the first event <paramref name="started"/> reports; stops the pipeline whatever happens.
    /// </summary>
    internal static async Task<Measurement> TimePipelineAsync(IngestPipeline pipeline, Func<bool> started, int messages, TimeSpan timeout, string what)
    {
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        try
        {
            return await TimeAsync(started, () => pipeline.Statistics.Committed >= messages, run, timeout, what);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }
}
