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

    private static (string Feature, IReadOnlyDictionary<string, string> Segment) Split(string feature)
    {
        var bar = feature.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0)
        {
            return (feature, new Dictionary<string, string>());
        }

        var segment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var condition in feature[(bar + 1)..].Split('&'))
        {
            var eq = condition.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var key = condition[..eq];
            if (key.StartsWith(FeaturePrefixes.InputFeature, StringComparison.Ordinal))
            {
                key = key[FeaturePrefixes.InputFeature.Length..];
            }

            segment[key] = condition[(eq + 1)..];
        }

        return (feature[..bar], segment);
    }
}
