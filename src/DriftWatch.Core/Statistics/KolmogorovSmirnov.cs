using System.Numerics;

namespace DriftWatch.Core.Statistics;

/// <summary>
/// Two-sample Kolmogorov-Smirnov test. The statistic matches scipy.stats.ks_2samp; the exact p-value
/// matches ks_2samp(method='exact') (two-sided). The asymptotic p-value is the limiting Kolmogorov law
/// kstwobign.sf(sqrt(m·n/(m+n))·D); it is not scipy's method='asymp', which evaluates the finite-n
/// one-sample law kstwo at round(m·n/(m+n)).
/// </summary>
internal static class KolmogorovSmirnov
{
    /// <summary>Largest m·n for which <see cref="ExactPValue"/> is used by <see cref="PValue"/>.</summary>
    public const long ExactWorkLimit = 1_000_000;

    /// <summary>D = sup |F1(x) - F2(x)| for two ascending-sorted samples.</summary>
    public static double Statistic(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        if (sortedA.IsEmpty || sortedB.IsEmpty)
        {
            return 0;
        }

        // |i/n1 - j/n2| = |i·n2 - j·n1| / (n1·n2): the walk compares integers and divides once at the end.
        int i = 0;
        int j = 0;
        long n1 = sortedA.Length;
        long n2 = sortedB.Length;
        long widest = 0;
        while (i < sortedA.Length && j < sortedB.Length)
        {
            double x = Math.Min(sortedA[i], sortedB[j]);
            while (i < sortedA.Length && sortedA[i] <= x)
            {
                i++;
            }

            while (j < sortedB.Length && sortedB[j] <= x)
            {
                j++;
            }

            widest = Math.Max(widest, Math.Abs((i * n2) - (j * n1)));
        }

        return widest / (double)(n1 * n2);
    }

    /// <summary>Exact p-value when m·n is small enough, the asymptotic one otherwise.</summary>
    public static double PValue(int m, int n, double d) =>
        (long)m * n <= ExactWorkLimit ? ExactPValue(m, n, d) : AsymptoticPValue(m, n, d);

    /// <summary>
    /// P(D ≥ d) under the null for sample sizes m and n, by dynamic programming over lattice paths: each
    /// cell holds the probability that a uniformly random monotone path to it has already touched the
    /// band |i/m - j/n| ≥ d. Computing that probability directly (not 1 - inside) keeps small p-values
    /// relative-accurate. Time in proportion to the band's area (at most m·n), O(n) memory.
    /// </summary>
    public static double ExactPValue(int m, int n, double d)
    {
        if (m <= 0 || n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), "Sample sizes must be positive.");
        }

        long g = Gcd(m, n);
        long lcm = m / g * n;
        long h = (long)Math.Round(d * lcm);
        if (h <= 0)
        {
            return 1;
        }

        // |i/m - j/n| ≥ h/lcm  <=>  |i·n - j·m| ≥ h·g; cells outside the band hold 1. The table is walked by
        // anti-diagonals s = i + j rather than by rows: a cell needs only two cells of the previous diagonal
        // and every cell of a diagonal divides by the same s, so the cells of one diagonal are independent
        // (vectorised below) instead of a chain of dependent divisions along a row. Only the band's cells are
        // computed (about 2·d·m·n of them rather than m·n). A diagonal multiplies by 1/s instead of dividing by
        // s, which is several times cheaper and moves the result by a few units in the last place.
        long bound = h * g;
        long total = (long)m + n;
        // Index i + 1 holds cell (i, s - i); index 0 stands for i = -1, which is only ever multiplied by 0. The
        // padding lets the last vector of a diagonal run past its end instead of finishing cell by cell.
        int width = Vector.IsHardwareAccelerated ? Vector<double>.Count : 1;
        var previous = new double[m + 3 + width];
        var current = new double[m + 3 + width];
        previous.AsSpan().Fill(1);
        current.AsSpan().Fill(1);
        previous[1] = 0; // cell (0, 0)

        // Inside the band on diagonal s: s·m - bound < i·(m+n) < s·m + bound (possibly no i at all for a narrow
        // band). Both ends only move up with s, by at most one cell, so they are tracked without dividing.
        long low = 0;
        long high = (bound - 1) / total; // largest i with i·total < bound, for s = 0
        var ramp = Ramp();
        for (long s = 1; s <= total; s++)
        {
            long centre = s * m;
            while (low * total <= centre - bound)
            {
                low++;
            }

            while ((high + 1) * total < centre + bound)
            {
                high++;
            }

            // Only cells on the lattice (s-n <= i <= min(m, s)) are computed; off it a cell is read only
            // multiplied by 0.
            long first = Math.Max(low, s - n);
            long last = Math.Min(high, Math.Min(m, s));
            if (first <= last)
            {
                Diagonal(previous, current, (int)first, (int)last, s, ramp);
                // The cells the last vector wrote past the diagonal's end are not part of it: back to 1.
                current.AsSpan((int)last + 2, width - 1).Fill(1);
            }

            // The band moves by less than one cell per diagonal, so the next diagonal reads this one only
            // within [low - 1, high + 1]; the two edge cells are outside the band (1), and writing them here
            // also clears what two diagonals back left in this buffer.
            current[(int)Math.Clamp(low - 1, -1, m + 1) + 1] = 1;
            current[(int)Math.Clamp(high + 1, -1, m + 1) + 1] = 1;
            (previous, current) = (current, previous);
        }

        return Math.Clamp(previous[m + 1], 0, 1);
    }

    /// <summary>Cells (i, s - i) for low &lt;= i &lt;= high from the previous diagonal.</summary>
    private static void Diagonal(double[] previous, double[] current, int low, int high, long s, Vector<double> ramp)
    {
        double sum = s;
        double inverse = 1 / sum;
        int i = low;
        if (Vector.IsHardwareAccelerated)
        {
            var sums = new Vector<double>(sum);
            var inverses = new Vector<double>(inverse);
            // The last vector may reach up to Count - 1 cells past high: the caller pads and resets them.
            for (; i <= high; i += Vector<double>.Count)
            {
                var left = new Vector<double>(i) + ramp;
                var fromLeft = left * new Vector<double>(previous, i);
                var fromBelow = (sums - left) * new Vector<double>(previous, i + 1);
                ((fromLeft + fromBelow) * inverses).CopyTo(current, i + 1);
            }
        }

        for (; i <= high; i++)
        {
            double fromLeft = i * previous[i];
            double fromBelow = (s - i) * previous[i + 1];
            current[i + 1] = (fromLeft + fromBelow) * inverse;
        }
    }

    private static Vector<double> Ramp()
    {
        Span<double> ramp = stackalloc double[Vector<double>.Count];
        for (int k = 0; k < ramp.Length; k++)
        {
            ramp[k] = k;
        }

        return new Vector<double>(ramp);
    }

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
