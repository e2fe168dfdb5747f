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
    double Seconds)
{
    /// <summary>How DriftWatch's alerts of this run were grouped into incidents.</summary>
    public IncidentScore? Incidents { get; init; }

    /// <summary>A run only for the incident figures (extra segment-drift runs), left out of every detection table.</summary>
    public bool IncidentsOnly { get; init; }
}
