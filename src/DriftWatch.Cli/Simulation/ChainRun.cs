using DriftWatch.Core.Events;
using DriftWatch.Simulation;

namespace DriftWatch.Cli.Simulation;

/// <summary>Writes a simulated agent chain (<see cref="ChainSimulator"/>) to an output: <c>driftwatch simulate --chain</c>.</summary>
internal static class ChainRun
{
    /// <summary>Parses the <c>--chain</c> value: none, upstream or downstream.</summary>
    internal static ChainDrift ParseDrift(string text) => text.Trim().ToLowerInvariant() switch
    {
        "none" => ChainDrift.None,
        "upstream" => ChainDrift.Upstream,
        "downstream" => ChainDrift.Downstream,
        _ => throw new ArgumentException($"--chain must be none, upstream or downstream, got '{text}'."),
    };

    /// <summary>Writes every event of the chain; returns how many.</summary>
    internal static async Task<long> WriteAsync(ChainSimulator chain, EventOutput output, CancellationToken cancellationToken)
    {
        long written = 0;
        foreach (var decision in chain.Generate())
        {
            cancellationToken.ThrowIfCancellationRequested();
            await output.WriteAsync(decision.AgentId, AgentEventWriter.ToUtf8Bytes(decision), cancellationToken).ConfigureAwait(false);
            written++;
        }

        return written;
    }
}
