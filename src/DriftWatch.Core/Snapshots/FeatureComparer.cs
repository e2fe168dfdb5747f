using System.Globalization;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Features;
using DriftWatch.Core.Statistics;

namespace DriftWatch.Core.Snapshots;

/// <summary>Computes one <see cref="FeatureChange"/> per feature and segment present on either side.</summary>
internal static class FeatureComparer
{
    private static readonly double[] ReportedQuantiles = [0.1, 0.5, 0.9, 0.99];

    public static List<FeatureChange> CompareAll(BehaviourSnapshot baseline, BehaviourSnapshot candidate, DiffOptions options)
    {
        var raw = new List<FeatureChange>();
        foreach (var feature in Union(baseline.Categorical.Keys, candidate.Categorical.Keys))
        {
            raw.Add(Categorical(feature, FeatureKind.Categorical, null, Get(baseline.Categorical, feature), Get(candidate.Categorical, feature), options));
        }

        foreach (var segment in baseline.OutcomeBySegment.Keys.Union(candidate.OutcomeBySegment.Keys).Order())
        {
            raw.Add(Categorical(
                FeatureNames.ConditionalOutcome(segment.InputFeature, segment.Value),
                FeatureKind.Conditional,
                segment,
                baseline.OutcomeBySegment.GetValueOrDefault(segment),
                candidate.OutcomeBySegment.GetValueOrDefault(segment),
                options));
        }

        foreach (var feature in Union(baseline.Numeric.Keys, candidate.Numeric.Keys))
        {
            raw.Add(Numeric(feature, Get(baseline.Numeric, feature), Get(candidate.Numeric, feature), options));
        }

        foreach (var feature in Union(baseline.Text.Keys, candidate.Text.Keys))
        {
            raw.Add(Text(feature, Get(baseline.Text, feature), Get(candidate.Text, feature), options));
        }

        // Bonferroni over the features that had enough data to be tested: the diff as a whole keeps its
        // false-alarm probability at Alpha however many features and segments an agent has.
        var tested = raw.Count(c => Testable(c, options));
        var perFeatureAlpha = options.Alpha / Math.Max(tested, 1);
        return raw
            .Select(c => c with
            {
                Significant = Testable(c, options) && c.PValue < perFeatureAlpha && c.Distance >= options.MinDistance,
            })
            .OrderByDescending(static c => c.Significant)
            .ThenByDescending(static c => c.Distance)
            .ThenBy(static c => c.Feature, StringComparer.Ordinal)
            .ToList();
    }

    private static bool Testable(FeatureChange c, DiffOptions options) =>
        Math.Max(c.BaselineCount, c.CandidateCount) >= options.MinCount &&
        (Math.Min(c.BaselineCount, c.CandidateCount) >= options.MinCount || Math.Min(c.BaselineCount, c.CandidateCount) == 0);

    private static FeatureChange Categorical(string feature, FeatureKind kind, SegmentKey? segment, CategoryCounts? a, CategoryCounts? b, DiffOptions options)
    {
        var categories = Union(a?.Counts.Keys ?? [], b?.Counts.Keys ?? []);
        var countsA = categories.Select(c => (double)(a?[c] ?? 0)).ToArray();
        var countsB = categories.Select(c => (double)(b?[c] ?? 0)).ToArray();
        var totalA = a?.Total ?? 0;
        var totalB = b?.Total ?? 0;
        var (distance, p) = OneSided(totalA, totalB) ?? (
            CategoricalTests.JensenShannonDistance(countsA, countsB),
            CategoricalTests.GTest(countsA, countsB).PValue);

        var shifts = categories
            .Select(c => new ValueShift(c, a?.Share(c) ?? 0, b?.Share(c) ?? 0))
            .OrderByDescending(static s => Math.Abs(s.Current - s.Reference))
            .ThenBy(static s => s.Value, StringComparer.Ordinal)
            .Take(options.TopShifts)
            .ToList();
        var summary = shifts.Count == 0 ? "no data" : $"{shifts[0].Value} {Percent(shifts[0].Reference)} -> {Percent(shifts[0].Current)}";
        return new FeatureChange(feature, kind, segment, distance, p, false, totalA, totalB, summary, shifts);
    }

    private static FeatureChange Numeric(string feature, QuantileSummary? a, QuantileSummary? b, DiffOptions options)
    {
        var countA = a?.Count ?? 0;
        var countB = b?.Count ?? 0;
        if (a is null || b is null || countA == 0 || countB == 0)
        {
            var (d, p) = OneSided(countA, countB) ?? (0, 1);
            return new FeatureChange(feature, FeatureKind.Numeric, null, d, p, false, countA, countB, countA == 0 ? "new feature" : "no longer seen", []);
        }

        var ks = KolmogorovSmirnovDistance(a.Sketch, b.Sketch);

        // The sketches' own rank error could account for part of the distance; the test only credits the rest.
        var credited = Math.Max(0, ks - a.RankErrorBound - b.RankErrorBound);
        var pValue = SpecialFunctions.KolmogorovSurvival(Math.Sqrt((double)countA * countB / (countA + countB)) * credited);

        var scale = Scale(a);
        var wasserstein = 0.0;
        const int Steps = 100;
        for (var i = 0; i < Steps; i++)
        {
            var q = (i + 0.5) / Steps;
            wasserstein += Math.Abs(b.Quantile(q) - a.Quantile(q));
        }

        wasserstein /= Steps * scale;

        var shifts = ReportedQuantiles
            .Select(q => new ValueShift($"p{(q * 100).ToString("0", CultureInfo.InvariantCulture)}", a.Quantile(q), b.Quantile(q)))
            .ToList();
        // The median leads because people read it first; the tail quantile that moved most follows.
        var median = shifts[1];
        var tail = shifts.Where(static s => s.Value != "p50").OrderByDescending(s => Math.Abs(s.Current - s.Reference) / scale).First();
        var summary = $"p50 {Number(median.Reference)} -> {Number(median.Current)}, {tail.Value} {Number(tail.Reference)} -> {Number(tail.Current)}";
        return new FeatureChange(feature, FeatureKind.Numeric, null, ks, pValue, false, countA, countB, summary, shifts, wasserstein);
    }

    private static FeatureChange Text(string feature, TextProfile? a, TextProfile? b, DiffOptions options)
    {
        var tokensA = a?.Tokens ?? 0;
        var tokensB = b?.Tokens ?? 0;
        var buckets = Math.Max(a?.BucketCounts.Count ?? 0, b?.BucketCounts.Count ?? 0);
        var bucketsA = new double[buckets];
        var bucketsB = new double[buckets];
        for (var i = 0; i < buckets; i++)
        {
            bucketsA[i] = a is null ? 0 : a.BucketCounts[i];
            bucketsB[i] = b is null ? 0 : b.BucketCounts[i];
        }

        var (distance, p) = OneSided(tokensA, tokensB) ?? (
            CategoricalTests.JensenShannonDistance(bucketsA, bucketsB),
            CategoricalTests.GTest(bucketsA, bucketsB).PValue);

        var terms = Union(a?.TopTerms.Keys ?? [], b?.TopTerms.Keys ?? []);
        var shifts = terms
            .Select(t => new ValueShift(t, RateOf(a, t), RateOf(b, t)))
            .OrderByDescending(static s => Math.Abs(s.Current - s.Reference))
            .ThenBy(static s => s.Value, StringComparer.Ordinal)
            .Take(options.TopShifts)
            .ToList();
        var summary = shifts.Count == 0
            ? "no data"
            : $"'{shifts[0].Value}' {Rate(shifts[0].Reference)} -> {Rate(shifts[0].Current)} per 1k tokens";
        return new FeatureChange(feature, FeatureKind.Text, null, distance, p, false, tokensA, tokensB, summary, shifts);

        static double RateOf(TextProfile? profile, string term) =>
            profile is null || profile.Tokens == 0 ? 0 : 1000.0 * profile.TopTerms.GetValueOrDefault(term) / profile.Tokens;
    }

    /// <summary>Largest vertical gap between the two sketches' step CDFs, over every retained value.</summary>
    internal static double KolmogorovSmirnovDistance(KllSketch a, KllSketch b)
    {
        var itemsA = a.WeightedItems();
        var itemsB = b.WeightedItems();
        int i = 0, j = 0;
        long cumA = 0, cumB = 0;
        var d = 0.0;
        while (i < itemsA.Count || j < itemsB.Count)
        {
            var x = j >= itemsB.Count || (i < itemsA.Count && itemsA[i].Value <= itemsB[j].Value) ? itemsA[i].Value : itemsB[j].Value;
            while (i < itemsA.Count && itemsA[i].Value <= x)
            {
                cumA += itemsA[i++].Weight;
            }

            while (j < itemsB.Count && itemsB[j].Value <= x)
            {
                cumB += itemsB[j++].Weight;
            }

            d = Math.Max(d, Math.Abs((double)cumA / a.Count - (double)cumB / b.Count));
        }

        return d;
    }

    private static (double Distance, double PValue)? OneSided(long countA, long countB)
    {
        // A feature present on one side only is the largest possible change (or nothing, if both are empty).
        if (countA == 0 && countB == 0)
        {
            return (0, 1);
        }

        return countA == 0 || countB == 0 ? (1, 0) : null;
    }

    private static double Scale(QuantileSummary a)
    {
        var iqr = a.Quantile(0.75) - a.Quantile(0.25);
        if (iqr > 0)
        {
            return iqr;
        }

        var range = a.Max - a.Min;
        return range > 0 ? range : 1;
    }

    private static List<string> Union(IEnumerable<string> a, IEnumerable<string> b) =>
        a.Union(b, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private static TValue? Get<TValue>(IReadOnlyDictionary<string, TValue> map, string key)
        where TValue : class => map.TryGetValue(key, out var value) ? value : null;

    internal static string Percent(double share) =>
        (share * 100).ToString(share is > 0 and < 0.1 ? "0.0" : "0", CultureInfo.InvariantCulture) + "%";

    internal static string Rate(double perThousand) => perThousand.ToString("0.#", CultureInfo.InvariantCulture);

    internal static string Number(double value) =>
        Math.Abs(value) >= 100 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}
