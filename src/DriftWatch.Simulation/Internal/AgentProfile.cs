namespace DriftWatch.Simulation.Internal;

/// <summary>What makes one simulated agent different from another: its name, decision, traffic mix and labels.</summary>
internal sealed record AgentProfile(
    string AgentId,
    string DecisionName,
    string AgentVersion,
    string Model,
    string FallbackModel,
    string PromptVersion,
    double[] CategoryWeights)
{
    private static readonly AgentProfile[] Base =
    [
        // Category weights are index-aligned with Catalog.Categories.
        new("support-router", "route", "2026.02.1", "m-large", "m-small", "v12", [0.22, 0.22, 0.16, 0.16, 0.14, 0.10]),
        new("billing-triage", "triage", "2026.01.3", "m-medium", "m-small", "v7", [0.50, 0.05, 0.20, 0.05, 0.15, 0.05]),
        new("returns-bot", "route", "2026.02.4", "m-medium", "m-small", "v4", [0.08, 0.04, 0.06, 0.32, 0.46, 0.04]),
        new("tech-helpdesk", "assign", "2025.12.2", "m-large", "m-medium", "v19", [0.04, 0.62, 0.22, 0.02, 0.02, 0.08]),
    ];

    /// <summary>The profile of the agent at <paramref name="index"/>: the base names first, then numbered copies.</summary>
    public static AgentProfile For(int index)
    {
        var profile = Base[index % Base.Length];
        var copy = index / Base.Length;
        return copy == 0 ? profile : profile with { AgentId = $"{profile.AgentId}-{copy + 1}" };
    }

    public static string NameOf(int index) => For(index).AgentId;
}
