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

        int i = 0;
        int j = 0;
        double d = 0;
        double n1 = sortedA.Length;
        double n2 = sortedB.Length;
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

            d = Math.Max(d, Math.Abs((i / n1) - (j / n2)));
        }

        return d;
    }

    /// <summary>Exact p-value when m·n is small enough, the asymptotic one otherwise.</summary>
    public static double PValue(int m, int n, double d) =>
        (long)m * n <= ExactWorkLimit ? ExactPValue(m, n, d) : AsymptoticPValue(m, n, d);

    /// <summary>
    /// P(D ≥ d) under the null for sample sizes m and n, by dynamic programming over lattice paths: each
    /// cell holds the probability that a uniformly random monotone path to it has already touched the
    /// band |i/m - j/n| ≥ d. Computing that probability directly (not 1 - inside) keeps small p-values
    /// relative-accurate. O(m·n) time, O(n) memory.
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

        // |i/m - j/n| ≥ h/lcm  <=>  |i·n - j·m| ≥ h·g
        long bound = h * g;
        var column = new double[n + 1];
        for (int i = 0; i <= m; i++)
        {
            for (int j = 0; j <= n; j++)
            {
                if (Math.Abs(((long)i * n) - ((long)j * m)) >= bound)
                {
                    column[j] = 1;
                }
                else if (i == 0 && j == 0)
                {
                    column[j] = 0;
                }
                else
                {
                    double fromLeft = i > 0 ? i * column[j] : 0;
                    double fromBelow = j > 0 ? j * column[j - 1] : 0;
                    column[j] = (fromLeft + fromBelow) / (i + j);
                }
            }
        }

        return Math.Clamp(column[n], 0, 1);
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
