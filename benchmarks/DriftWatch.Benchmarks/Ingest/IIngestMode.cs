namespace DriftWatch.Benchmarks.Ingest;

/// <summary>One way of consuming the benchmark topic to its end.</summary>
internal interface IIngestMode
{
    string Name { get; }

    string Description { get; }

    /// <summary>
    /// Consumes all <paramref name="messages"/> with a fresh consumer group and returns the time from the
    /// first message to the last one being done, and the process CPU time spent in the whole run.
    /// </summary>
    Task<Measurement> MeasureAsync(string bootstrapServers, string topic, string group, int messages, TimeSpan timeout);
}

/// <summary>Wall time from first to last message, and CPU time of the whole process over the run.</summary>
internal readonly record struct Measurement(TimeSpan Elapsed, TimeSpan Cpu);
