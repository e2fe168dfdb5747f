namespace DriftWatch.Core.Statistics;

/// <summary>Quantiles of sorted samples.</summary>
internal static class Quantiles
{
    /// <summary>Linear interpolation between order statistics: numpy.quantile's default method.</summary>
    public static double Linear(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        double h = (sorted.Length - 1) * Math.Clamp(q, 0, 1);
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    /// <summary>Fills <paramref name="summary"/> with equally spaced linear quantiles of a sorted sample.</summary>
    public static void Summarise(ReadOnlySpan<double> sorted, Span<double> summary)
    {
        if (summary.Length == 1)
        {
            summary[0] = Linear(sorted, 0.5);
            return;
        }

        for (int k = 0; k < summary.Length; k++)
        {
            summary[k] = Linear(sorted, (double)k / (summary.Length - 1));
        }
    }
}
