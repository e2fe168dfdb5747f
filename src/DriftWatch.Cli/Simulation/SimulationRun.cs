using System.Diagnostics;
using DriftWatch.Core.Events;
using DriftWatch.Simulation;

namespace DriftWatch.Cli.Simulation;

/// <summary>Streams a simulated fleet to an output, optionally paced to a wall-clock rate.</summary>
internal sealed class SimulationRun
{
    private readonly FleetSimulator _simulator;
    private readonly int _invalidEvery;
    private readonly double _wallRate;
    private long _written;
    private long _invalid;

    internal SimulationRun(SimulationOptions options, int invalidEvery, double wallRate)
    {
        options.Validate();
        if (invalidEvery < 0)
        {
            throw new ArgumentException($"--invalid-every must be 0 (none) or positive, got {invalidEvery}.");
        }

        if (wallRate < 0)
        {
            throw new ArgumentException($"--pace must be 0 (as fast as possible) or a positive rate, got {wallRate}.");
        }

        _simulator = new FleetSimulator(options);
        _invalidEvery = invalidEvery;
        _wallRate = wallRate;
    }

    internal SimulationManifest Manifest => _simulator.Manifest;

    /// <summary>The fleet being written, e.g. to have an agent's runtime apply a rollback.</summary>
    internal FleetSimulator Simulator => _simulator;

    /// <summary>Messages written so far (valid and malformed).</summary>
    internal long Written => Interlocked.Read(ref _written);

    /// <summary>Malformed messages written so far.</summary>
    internal long Invalid => Interlocked.Read(ref _invalid);

    /// <summary>Total messages the run will write.</summary>
    internal long Total => Manifest.TotalEvents + (_invalidEvery > 0 ? Manifest.TotalEvents / _invalidEvery : 0);

    internal async Task WriteAsync(EventOutput output, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long index = 0;
        foreach (var record in _simulator.Generate())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bytes = record.Decision is { } decision
                ? AgentEventWriter.ToUtf8Bytes(decision)
                : AgentEventWriter.ToUtf8Bytes(record.State!);
            await output.WriteAsync(record.AgentId, bytes, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _written);
            index++;
            if (_invalidEvery > 0 && index % _invalidEvery == 0)
            {
                await output.WriteAsync(record.AgentId, MalformedMessages.Create(Invalid), cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _invalid);
                Interlocked.Increment(ref _written);
            }

            if (_wallRate > 0 && index % 50 == 0)
            {
                var due = TimeSpan.FromSeconds(index / _wallRate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
