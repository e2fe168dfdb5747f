using System.Text.Json;

namespace DriftWatch.Core.Sync;

/// <summary>A state key's current value in one environment, from its last state event.</summary>
/// <param name="Value">The value set by the last change.</param>
/// <param name="StateVersion">The <c>state_version</c> of that change, when the agent reports one.</param>
/// <param name="ChangedAt">Event time of the last change.</param>
/// <param name="Segment">The input segment the change applies to; empty means all traffic.</param>
public sealed record StateKeyValue(JsonElement Value, string? StateVersion, DateTimeOffset ChangedAt, IReadOnlyDictionary<string, string> Segment);

/// <summary>How a key differs between the source environment (the one to copy) and the target (the one to change).</summary>
public enum StateKeyDifferenceKind
{
    /// <summary>Set in both, to different values.</summary>
    Changed,

    /// <summary>Set in the source only: a sync sets it in the target.</summary>
    OnlyInSource,

    /// <summary>Set in the target only: a sync deletes it there.</summary>
    OnlyInTarget,
}

/// <summary>One state key that differs between two environments.</summary>
/// <param name="Key">The state key, e.g. <c>route/urgency=high</c>.</param>
/// <param name="Kind">How it differs.</param>
/// <param name="Source">Its value in the source environment; null when unset or deleted there.</param>
/// <param name="Target">Its value in the target environment; null when unset or deleted there.</param>
/// <param name="LinkedFeatures">Behaviour features attribution links the key to (see <see cref="Snapshots.RollbackAttribution.BearsOn"/>).</param>
public sealed record StateKeyDifference(
    string Key,
    StateKeyDifferenceKind Kind,
    StateKeyValue? Source,
    StateKeyValue? Target,
    IReadOnlyList<string> LinkedFeatures)
{
    /// <summary>The kind as written in JSON and tables: <c>changed</c>, <c>only-in-source</c>, <c>only-in-target</c>.</summary>
    public string KindName => Kind switch
    {
        StateKeyDifferenceKind.Changed => "changed",
        StateKeyDifferenceKind.OnlyInSource => "only-in-source",
        _ => "only-in-target",
    };
}
