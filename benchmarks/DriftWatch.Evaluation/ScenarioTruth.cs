namespace DriftWatch.Evaluation;

/// <summary>The part of a scenario's ground truth the scoring needs: who drifts, from which of its decisions, in what.</summary>
internal sealed record ScenarioTruth(string AgentId, int OnsetAgentIndex, string ExpectedFeature);
