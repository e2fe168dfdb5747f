namespace DriftWatch.Evaluation;

/// <summary>
/// One alert as the evaluation sees it. <see cref="AgentIndex"/> is the 0-based index, among the agent's
/// decision events, of the decision whose observation produced the alert: delays are counted in the
/// drifting agent's own events, so other agents' traffic does not inflate them.
/// </summary>
internal sealed record AlertRecord(string AgentId, string Feature, string Detector, int AgentIndex);
