using System.Globalization;
using System.Text;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Snapshots;

/// <summary>Renders one snapshot as plain text (what <c>snapshot show</c> prints).</summary>
public static class SnapshotTextRenderer
{
    /// <summary>
    /// Metadata, then the most frequent categories of each categorical feature, quantiles of each numeric
    /// feature, frequent terms of each text feature and the outcome split per segment.
    /// </summary>
    /// <param name="snapshot">The snapshot to show.</param>
    /// <param name="topValues">Categories or terms listed per feature.</param>
    public static string Render(BehaviourSnapshot snapshot, int topValues = 5)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfLessThan(topValues, 1);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"id              {snapshot.Id}");
        text.AppendLine(CultureInfo.InvariantCulture, $"scope           {snapshot.Scope}");
        text.AppendLine(CultureInfo.InvariantCulture, $"time range      {Time(snapshot.From)} .. {Time(snapshot.To)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"events          {snapshot.EventCount}");
        text.AppendLine(CultureInfo.InvariantCulture, $"agent versions  {Top(snapshot.AgentVersions, topValues)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"state versions  {Top(snapshot.StateVersions, topValues)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"size            {snapshot.ToUtf8Json().Length} bytes");

        var rows = new List<(string Feature, string Values)>();
        rows.AddRange(snapshot.Categorical.Select(kv => (kv.Key, Top(kv.Value, topValues))));
        rows.AddRange(snapshot.Numeric.Select(kv => (kv.Key, Quantiles(kv.Value))));
        rows.AddRange(snapshot.Text.Select(kv => (kv.Key, Terms(kv.Value, topValues))));
        rows.AddRange(snapshot.OutcomeBySegment.Select(kv => (FeatureNames.ConditionalOutcome(kv.Key.InputFeature, kv.Key.Value), Top(kv.Value, topValues))));
        if (rows.Count > 0)
        {
            var width = rows.Max(static r => r.Feature.Length);
            text.AppendLine();
            foreach (var (feature, values) in rows)
            {
                text.Append(feature.PadRight(width)).Append("  ").AppendLine(values);
            }
        }

        return text.ToString();
    }

    private static string Top(CategoryCounts counts, int n) => counts.Total == 0
        ? "-"
        : string.Join(", ", counts.Counts
            .OrderByDescending(static kv => kv.Value)
            .ThenBy(static kv => kv.Key, StringComparer.Ordinal)
            .Take(n)
            .Select(kv => $"{kv.Key} {FeatureComparer.Percent(counts.Share(kv.Key))}"))
          + (counts.Counts.Count > n ? ", ..." : string.Empty)
          + string.Create(CultureInfo.InvariantCulture, $" (n={counts.Total})");

    private static string Quantiles(QuantileSummary s) => string.Create(
        CultureInfo.InvariantCulture,
        $"min {FeatureComparer.Number(s.Min)}  p10 {FeatureComparer.Number(s.Quantile(0.1))}  p50 {FeatureComparer.Number(s.Quantile(0.5))}  p90 {FeatureComparer.Number(s.Quantile(0.9))}  p99 {FeatureComparer.Number(s.Quantile(0.99))}  max {FeatureComparer.Number(s.Max)} (n={s.Count})");

    private static string Terms(TextProfile profile, int n) =>
        string.Join(", ", profile.TopTerms.OrderByDescending(static kv => kv.Value).ThenBy(static kv => kv.Key, StringComparer.Ordinal).Take(n).Select(static kv => kv.Key))
        + string.Create(CultureInfo.InvariantCulture, $" ({profile.Documents} texts, {profile.Tokens} tokens)");

    private static string Time(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "-";
}
