namespace DriftWatch.Core.Snapshots;

/// <summary>
/// A drift to explain: which behaviour of which agent moved, within which input segment, and when it began.
/// </summary>
/// <param name="AgentId">The drifted agent.</param>
/// <param name="Environment">Its environment.</param>
/// <param name="Feature">Contract feature name; a conditional name (<c>decision.outcome|input.features.k=v</c>) carries its segment.</param>
/// <param name="Onset">When the drift began (e.g. the alert's window start).</param>
public sealed record DriftObservation(string AgentId, string Environment, string Feature, DateTimeOffset Onset)
{
    /// <summary>The feature without a segment condition, e.g. <c>decision.outcome</c>.</summary>
    public string BaseFeature => Split(Feature).Feature;

    /// <summary>The drifted input segment (input feature name to value); empty means all traffic.</summary>
    public IReadOnlyDictionary<string, string> Segment => Split(Feature).Segment;

    private static (string Feature, IReadOnlyDictionary<string, string> Segment) Split(string feature) =>
        Features.FeatureId.TryParse(feature, out var id) && id.Family == Features.FeatureFamily.ConditionalOutcome
            ? (Features.FeatureNames.Outcome, new Dictionary<string, string>(StringComparer.Ordinal) { [id.Key!] = id.Segment! })
            : (feature, new Dictionary<string, string>(StringComparer.Ordinal));
}
