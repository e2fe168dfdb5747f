namespace DriftWatch.Core.Snapshots;

/// <summary>
/// Counts per category of one categorical feature, at most a configured number of categories; the rarest
/// ones are folded into <see cref="OtherKey"/> so a snapshot stays small whatever the cardinality.
/// </summary>
public sealed class CategoryCounts
{
    /// <summary>The bucket that holds the categories beyond the cap.</summary>
    public const string OtherKey = "(other)";

    internal CategoryCounts(SortedDictionary<string, long> counts)
    {
        Counts = counts;
        long total = 0;
        foreach (var count in counts.Values)
        {
            total += count;
        }

        Total = total;
    }

    /// <summary>Count per category, in ordinal key order.</summary>
    public IReadOnlyDictionary<string, long> Counts { get; }

    /// <summary>Sum of all counts.</summary>
    public long Total { get; }

    /// <summary>The count of <paramref name="category"/>, zero when absent.</summary>
    public long this[string category] => Counts.TryGetValue(category, out var n) ? n : 0;

    /// <summary>The share of <paramref name="category"/> in [0, 1]; zero when empty.</summary>
    public double Share(string category) => Total == 0 ? 0 : (double)this[category] / Total;
}
