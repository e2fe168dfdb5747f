using DriftWatch.Core.Events;
using DriftWatch.Simulation;

namespace DriftWatch.Evaluation;

/// <summary>Writes a simulated fleet to JSONL exactly as <c>driftwatch simulate --output</c> does (optionally as a <see cref="SparseFleet"/>).</summary>
internal static class ScenarioFile
{
    internal static SimulationManifest Write(SimulationOptions options, string path, bool sparse = false)
    {
        var simulator = new FleetSimulator(options);
        var decorator = sparse ? new SparseFleet(options.Seed) : null;
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        foreach (var record in simulator.Generate())
        {
            var bytes = record.Decision is { } decision
                ? AgentEventWriter.ToUtf8Bytes(decorator?.Decorate(decision) ?? decision)
                : AgentEventWriter.ToUtf8Bytes(record.State!);
            stream.Write(bytes);
            stream.WriteByte((byte)'\n');
        }

        return simulator.Manifest;
    }
}
