namespace DriftWatch.Core.Statistics;

/// <summary>First Wasserstein (earth mover's) distance between two one-dimensional samples.</summary>
internal static class Wasserstein
{
    /// <summary>W1 of two ascending-sorted samples: scipy.stats.wasserstein_distance(u, v).</summary>
    public static double Distance(ReadOnlySpan<double> sortedU, ReadOnlySpan<double> sortedV)
    {
        if (sortedU.IsEmpty || sortedV.IsEmpty)
        {
            return 0;
        }

        double nu = sortedU.Length;
        double nv = sortedV.Length;
        int i = 0;
        int j = 0;
        double x = Math.Min(sortedU[0], sortedV[0]);
        double distance = 0;
        while (true)
        {
            while (i < sortedU.Length && sortedU[i] <= x)
            {
                i++;
            }

            while (j < sortedV.Length && sortedV[j] <= x)
            {
                j++;
            }

            if (i == sortedU.Length && j == sortedV.Length)
            {
                return distance;
            }

            double next = Math.Min(
                i < sortedU.Length ? sortedU[i] : double.PositiveInfinity,
                j < sortedV.Length ? sortedV[j] : double.PositiveInfinity);
            distance += Math.Abs((i / nu) - (j / nv)) * (next - x);
            x = next;
        }
    }

    /// <summary>
    /// W1 divided by the reference's interquartile range (numpy's default linear quantiles), falling back
    /// to the reference's population standard deviation when the IQR is zero, and to 1 when both are zero.
    /// Unit-free, so one effect-size threshold fits latency in milliseconds and confidence in [0, 1].
    /// </summary>
    public static double NormalisedDistance(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent) =>
        Distance(sortedReference, sortedCurrent) / Scale(sortedReference);

    /// <summary>The normalising scale described in <see cref="NormalisedDistance"/>.</summary>
    public static double Scale(ReadOnlySpan<double> sortedReference)
    {
        if (sortedReference.IsEmpty)
        {
            return 1;
        }

        double iqr = Quantiles.Linear(sortedReference, 0.75) - Quantiles.Linear(sortedReference, 0.25);
        if (iqr > 0)
        {
            return iqr;
        }

        double mean = 0;
        foreach (double v in sortedReference)
        {
            mean += v;
        }

        mean /= sortedReference.Length;
        double variance = 0;
        foreach (double v in sortedReference)
        {
            variance += (v - mean) * (v - mean);
        }

        double std = Math.Sqrt(variance / sortedReference.Length);
        return std > 0 ? std : 1;
    }
}
