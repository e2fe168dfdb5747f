using System.Diagnostics;
using DriftWatch.Core.Events;
using DriftWatch.Simulation;

namespace DriftWatch.Cli.Simulation;

/// <summary>Streams a simulated fleet to an output, optionally paced to a wall-clock rate.</summary>
internal sealed class SimulationRun
{
    private readonly FleetSimulator _simulator;
    private readonly EnvironmentPairSimulator? _pair;
    private readonly int _invalidEvery;
    private readonly double _wallRate;
    private long _written;
    private long _invalid;

    /// <param name="options">The fleet.</param>
    /// <param name="invalidEvery">Insert a malformed message after every N events; 0 none.</param>
    /// <param name="wallRate">Wall-clock pace in messages per second; 0 as fast as possible.</param>
    /// <param name="divergeTo">When set, the fleet runs in its environment without drift and in this one with the
    /// scenarios (<see cref="EnvironmentPairSimulator"/>): two environments that differ by known state keys.</param>
    internal SimulationRun(SimulationOptions options, int invalidEvery, double wallRate, string? divergeTo = null)
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
        _pair = divergeTo is null ? null : new EnvironmentPairSimulator(options, divergeTo);
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
    internal long Total => Events + (_invalidEvery > 0 ? Events / _invalidEvery : 0);

    // A pair writes both environments (about twice the events; progress only needs the order of magnitude).
    private long Events => _pair is null ? Manifest.TotalEvents : 2 * Manifest.TotalEvents;

    internal async Task WriteAsync(EventOutput output, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long index = 0;
        foreach (var record in _pair?.Generate() ?? _simulator.Generate())
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
