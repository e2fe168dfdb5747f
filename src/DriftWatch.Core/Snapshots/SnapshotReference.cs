using DriftWatch.Core.Detection;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// Turns a behavioural snapshot into the reference the detectors test against, so a pinned known-good
/// snapshot can be an agent's detection baseline instead of its first events.
/// </summary>
public static class SnapshotReference
{
    /// <summary>Quantile points that stand for a numeric feature's distribution (the monitor's default).</summary>
    public const int DefaultNumericPoints = 128;

    /// <summary>
    /// Category counts (conditional outcome tables included) and equally spaced quantile points of each
    /// numeric feature. Text features are left out: the snapshot's text profile hashes differently from the
    /// detector's sketch, so text keeps the reference the detector learns itself.
    /// </summary>
    public static ReferenceProfile ToProfile(BehaviourSnapshot snapshot, int numericPoints = DefaultNumericPoints)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfLessThan(numericPoints, 2);
        var categorical = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        var observations = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (feature, counts) in snapshot.Categorical)
        {
            categorical[feature] = Counts(counts);
        }

        foreach (var (segment, counts) in snapshot.OutcomeBySegment)
        {
            categorical[FeatureNames.ConditionalOutcome(segment.InputFeature, segment.Value)] = Counts(counts);
        }

        var numeric = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
        foreach (var (feature, summary) in snapshot.Numeric)
        {
            if (summary.Count == 0)
            {
                continue;
            }

            var points = new double[numericPoints];
            for (int i = 0; i < numericPoints; i++)
            {
                points[i] = summary.Quantile((i + 0.5) / numericPoints);
            }

            numeric[feature] = points;
            observations[feature] = summary.Count;
        }

        return new ReferenceProfile { Categorical = categorical, Numeric = numeric, Observations = observations };
    }

    private static Dictionary<string, double> Counts(CategoryCounts counts)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (category, count) in counts.Counts)
        {
            result[category] = count;
        }

        return result;
    }
}
