namespace DriftWatch.Evaluation;

/// <summary>One incident as the replay left it: the drifting agent's decision index at which it opened, its root and size.</summary>
internal sealed record IncidentRecord(string AgentId, string Id, int OpenedAtIndex, string? RootSegment, int Features);
