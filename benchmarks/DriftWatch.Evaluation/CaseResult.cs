namespace DriftWatch.Evaluation;

/// <summary>The raw result of one evaluation run, as written to evaluation.json.</summary>
internal sealed record CaseResult(
    string Group,
    long Seed,
    string? Spec,
    string? DriftAgent,
    int? OnsetAgentIndex,
    string? ExpectedFeature,
    long Lines,
    long BadLines,
    IReadOnlyDictionary<string, int> AgentDecisions,
    RunScore DriftWatch,
    RunScore Baseline,
    double Seconds);
