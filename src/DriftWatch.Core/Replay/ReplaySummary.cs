namespace DriftWatch.Core.Replay;

/// <summary>What a replay read and found.</summary>
/// <param name="Lines">Lines read, blank ones included.</param>
/// <param name="DecisionEvents">Valid decision events fed to the monitor.</param>
/// <param name="StateEvents">Valid state events fed to the monitor.</param>
/// <param name="BadLines">Lines that were not valid events (reported and skipped).</param>
/// <param name="Alerts">Alert lines written.</param>
/// <param name="Windows">Current windows closed across all behaviours.</param>
public sealed record ReplaySummary(long Lines, long DecisionEvents, long StateEvents, long BadLines, long Alerts, long Windows);

/// <summary>A line that was not a valid event: its 1-based number and the parser's reason.</summary>
public readonly record struct BadLine(long LineNumber, string Reason);
