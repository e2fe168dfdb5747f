using System.Runtime.CompilerServices;

namespace DriftWatch.Core.Statistics;

/// <summary>
/// Two-sample Kolmogorov-Smirnov test. The statistic matches scipy.stats.ks_2samp; the exact p-value
/// matches ks_2samp(method='exact') (two-sided). The asymptotic p-value is the limiting Kolmogorov law
/// kstwobign.sf(sqrt(m·n/(m+n))·D); it is not scipy's method='asymp', which evaluates the finite-n
/// one-sample law kstwo at round(m·n/(m+n)).
/// </summary>
internal static partial class KolmogorovSmirnov
{
    /// <summary>Largest m·n for which <see cref="ExactPValue"/> is used by <see cref="PValue"/>.</summary>
    public const long ExactWorkLimit = 1_000_000;

    /// <summary>D = sup |F1(x) - F2(x)| for two ascending-sorted samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Statistic(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        if (sortedA.IsEmpty || sortedB.IsEmpty)
        {
            return 0;
        }

        // |i/n1 - j/n2| = |i·n2 - j·n1| / (n1·n2): the walk compares integers and divides once at the end. The
        // gap is symmetric in the two samples, so the walk steps through the shorter one value by value and
        // scans the longer one in runs.
        long widest = sortedA.Length <= sortedB.Length ? WidestGap(sortedB, sortedA) : WidestGap(sortedA, sortedB);
        return widest / ((double)sortedA.Length * sortedB.Length);
    }

    /// <summary>
    /// max |i·ns - j·nl| over the points where the empirical distributions may be compared: after all values
    /// equal to some x on both sides (i values of <paramref name="longer"/> and j of <paramref name="shorter"/>
    /// are at most x). Between two consecutive distinct values of <paramref name="shorter"/> only i moves, and
    /// monotonically, so the widest gap of that stretch is at one of its ends: just before the next value w
    /// (everything below w counted) or just after it (everything up to and including w counted, ties on both
    /// sides). Evaluating only those two points per distinct w gives the same maximum as evaluating after
    /// every distinct value of the union, with one comparison per value of <paramref name="longer"/> and one
    /// unpredictable branch per value of <paramref name="shorter"/> instead of per value of the union.
    /// </summary>
    private static long WidestGap(ReadOnlySpan<double> longer, ReadOnlySpan<double> shorter)
    {
        long nl = longer.Length;
        long ns = shorter.Length;
        long widest = 0;
        int i = 0;
        int j = 0;
        while (j < shorter.Length)
        {
            double w = shorter[j];
            while (i < longer.Length && longer[i] < w)
            {
                i++;
            }

            widest = Math.Max(widest, Math.Abs((i * ns) - (j * nl)));
            while (i < longer.Length && longer[i] <= w)
            {
                i++;
            }

            j++;
            while (j < shorter.Length && shorter[j] <= w)
            {
                j++;
            }

            widest = Math.Max(widest, Math.Abs((i * ns) - (j * nl)));
        }

        return widest;
    }

    /// <summary>Exact p-value when m·n is small enough, the asymptotic one otherwise.</summary>
    public static double PValue(int m, int n, double d) =>
        (long)m * n <= ExactWorkLimit ? ExactPValue(m, n, d) : AsymptoticPValue(m, n, d);

    /// <summary>
    /// The two-sample test of <paramref name="sample"/> against a reference that was sorted once, when it was
    /// built (it is the same for every window): sorts <paramref name="sample"/> in place and returns D with
    /// the p-value of <see cref="PValue"/>. What ks_2samp does per call, minus sorting the reference again.
    /// </summary>
    public static (double Statistic, double PValue) Test(ReadOnlySpan<double> sortedReference, Span<double> sample)
    {
        if (sortedReference.IsEmpty || sample.IsEmpty)
        {
            throw new ArgumentException("Both samples must be non-empty.", nameof(sample));
        }

        sample.Sort();
        double d = Statistic(sortedReference, sample);
        return (d, PValue(sortedReference.Length, sample.Length, d));
    }

    /// <summary>kstwobign.sf(sqrt(m·n/(m+n))·D).</summary>
    public static double AsymptoticPValue(int m, int n, double d)
    {
        double en = (double)m * n / (m + n);
        return SpecialFunctions.KolmogorovSurvival(Math.Sqrt(en) * d);
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
