using DriftWatch.Core.Events;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// Whose behaviour a snapshot profiles: one agent in one environment, optionally one decision name
/// (null means every decision of the agent).
/// </summary>
public sealed record SnapshotScope(string AgentId, string Environment, string? DecisionName = null)
{
    /// <summary>Whether <paramref name="decision"/> belongs to this scope.</summary>
    public bool Contains(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return string.Equals(decision.AgentId, AgentId, StringComparison.Ordinal) &&
            string.Equals(decision.Environment, Environment, StringComparison.Ordinal) &&
            (DecisionName is null || string.Equals(decision.DecisionName, DecisionName, StringComparison.Ordinal));
    }

    /// <summary>agent/environment or agent/environment/decision.</summary>
    public override string ToString() => DecisionName is null ? $"{AgentId}/{Environment}" : $"{AgentId}/{Environment}/{DecisionName}";
}

/// <summary>One input segment, e.g. <c>input.features.urgency=high</c>.</summary>
public sealed record SegmentKey(string InputFeature, string Value) : IComparable<SegmentKey>
{
    /// <summary>The segment as a feature-path condition: <c>input.features.&lt;k&gt;=&lt;v&gt;</c>.</summary>
    public override string ToString() => $"{FeaturePrefixes.InputFeature}{InputFeature}={Value}";

    /// <summary>Ordinal order by feature, then value.</summary>
    public int CompareTo(SegmentKey? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byFeature = string.CompareOrdinal(InputFeature, other.InputFeature);
        return byFeature != 0 ? byFeature : string.CompareOrdinal(Value, other.Value);
    }
}
