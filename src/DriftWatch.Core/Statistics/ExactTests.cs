namespace DriftWatch.Core.Statistics;

/// <summary>
/// Exact tails for small counts, where the chi-square approximation is far too optimistic in the tail the
/// false-alarm budget asks for (a cell expecting 5 events is about 30 times more likely to pass the
/// chi-square threshold at α = 5e-6 than the threshold says). Checked against scipy.stats.hypergeom.
/// </summary>
internal static class ExactTests
{
    // log(n!) for the counts windows and references reach, computed once by the same LogGamma used beyond them,
    // so every tail is bit for bit what it was: interim looks run these tails often, six log-factorials each.
    private static readonly double[] LogFactorials = BuildLogFactorials(1 << 14);

    /// <summary>
    /// P(X ≥ k) for X ~ Hypergeometric(population, successes, draws):
    /// scipy.stats.hypergeom.sf(k - 1, population, successes, draws).
    /// </summary>
    public static double HypergeometricUpperTail(long k, long population, long successes, long draws)
    {
        Validate(population, successes, draws);
        long low = Math.Max(0, draws - (population - successes));
        long high = Math.Min(successes, draws);
        if (k <= low)
        {
            return 1;
        }

        if (k > high)
        {
            return 0;
        }

        // The sum runs away from the mode, so its first term is the largest and never underflows when the
        // tail is large; a tail that holds the mode is the complement of the other one.
        return k <= Mode(population, successes, draws)
            ? Math.Max(0, 1 - LowerSum(k - 1, population, successes, draws, low))
            : UpperSum(k, population, successes, draws, high);
    }

    /// <summary>P(X ≤ k): scipy.stats.hypergeom.cdf(k, population, successes, draws).</summary>
    public static double HypergeometricLowerTail(long k, long population, long successes, long draws)
    {
        Validate(population, successes, draws);
        long low = Math.Max(0, draws - (population - successes));
        long high = Math.Min(successes, draws);
        if (k >= high)
        {
            return 1;
        }

        if (k < low)
        {
            return 0;
        }

        return k >= Mode(population, successes, draws)
            ? Math.Max(0, 1 - UpperSum(k + 1, population, successes, draws, high))
            : LowerSum(k, population, successes, draws, low);
    }

    private static long Mode(long population, long successes, long draws) =>
        (long)Math.Floor((draws + 1) * (double)(successes + 1) / (population + 2));

    private static double UpperSum(long k, long population, long successes, long draws, long high)
    {
        // Summed from k upwards with the pmf ratio, so the terms fall and the sum needs no cancellation.
        double term = Math.Exp(LogPmf(k, population, successes, draws));
        double sum = 0;
        for (long x = k; x <= high && term > 0; x++)
        {
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }

            term *= (double)(successes - x) * (draws - x) / ((x + 1) * (double)(population - successes - draws + x + 1));
        }

        return Math.Min(1, sum);
    }

    private static double LowerSum(long k, long population, long successes, long draws, long low)
    {
        if (k < low)
        {
            return 0;
        }

        double term = Math.Exp(LogPmf(k, population, successes, draws));
        double sum = 0;
        for (long x = k; x >= low && term > 0; x--)
        {
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }

            term *= x * (double)(population - successes - draws + x) / ((double)(successes - x + 1) * (draws - x + 1));
        }

        return Math.Min(1, sum);
    }

    /// <summary>Two-sided exact p-value of a 2x2 table by doubling the smaller tail (capped at 1).</summary>
    public static double HypergeometricTwoSided(long k, long population, long successes, long draws) =>
        Math.Min(1, 2 * Math.Min(
            HypergeometricUpperTail(k, population, successes, draws),
            HypergeometricLowerTail(k, population, successes, draws)));

    private static double LogPmf(long k, long population, long successes, long draws) =>
        LogChoose(successes, k) + LogChoose(population - successes, draws - k) - LogChoose(population, draws);

    private static double LogChoose(long n, long k) =>
        k == 0 || k == n ? 0 : LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static double LogFactorial(long n) =>
        n < LogFactorials.Length ? LogFactorials[n] : SpecialFunctions.LogGamma(n + 1);

    private static double[] BuildLogFactorials(int count)
    {
        var table = new double[count];
        for (int n = 0; n < count; n++)
        {
            table[n] = SpecialFunctions.LogGamma(n + 1);
        }

        return table;
    }

    private static void Validate(long population, long successes, long draws)
    {
        if (population < 0 || successes < 0 || draws < 0 || successes > population || draws > population)
        {
            throw new ArgumentOutOfRangeException(nameof(population), $"Hypergeometric({population}, {successes}, {draws}) is not defined.");
        }
    }
}
