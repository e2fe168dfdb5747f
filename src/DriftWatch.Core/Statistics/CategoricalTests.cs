namespace DriftWatch.Core.Statistics;

/// <summary>
/// Two-sample comparisons of categorical counts. Both spans hold counts for the same categories in the
/// same order; counts may be fractional (a decayed rolling reference). Categories empty in both samples
/// are ignored, as scipy's contingency tests require.
/// </summary>
internal static class CategoricalTests
{
    /// <summary>Floor applied to shares inside PSI so a category absent from one side stays finite.</summary>
    public const double PsiShareFloor = 1e-4;

    /// <summary>
    /// Pearson chi-square test of homogeneity on the 2 x k table (reference row, current row), without
    /// continuity correction: scipy.stats.chi2_contingency(table, correction=False).
    /// </summary>
    public static TestResult ChiSquare(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        (double r, double c, int used) = Totals(reference, current);
        if (used < 2 || r <= 0 || c <= 0)
        {
            return new TestResult(0, 0, 1);
        }

        double n = r + c;
        double stat = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double column = reference[i] + current[i];
            if (column <= 0)
            {
                continue;
            }

            double er = r * column / n;
            double ec = c * column / n;
            double dr = reference[i] - er;
            double dc = current[i] - ec;
            stat += (dr * dr / er) + (dc * dc / ec);
        }

        double df = used - 1;
        return new TestResult(stat, df, SpecialFunctions.ChiSquareSurvival(stat, df));
    }

    /// <summary>
    /// G-test (log-likelihood ratio) of homogeneity on the same table:
    /// scipy.stats.chi2_contingency(table, correction=False, lambda_="log-likelihood").
    /// </summary>
    public static TestResult GTest(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        (double r, double c, int used) = Totals(reference, current);
        if (used < 2 || r <= 0 || c <= 0)
        {
            return new TestResult(0, 0, 1);
        }

        double n = r + c;
        double stat = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double column = reference[i] + current[i];
            if (column <= 0)
            {
                continue;
            }

            if (reference[i] > 0)
            {
                stat += reference[i] * Math.Log(reference[i] / (r * column / n));
            }

            if (current[i] > 0)
            {
                stat += current[i] * Math.Log(current[i] / (c * column / n));
            }
        }

        stat = Math.Max(0, 2 * stat);
        double df = used - 1;
        return new TestResult(stat, df, SpecialFunctions.ChiSquareSurvival(stat, df));
    }

    /// <summary>
    /// Jensen-Shannon distance with base-2 logarithms, so it lies in [0, 1]:
    /// scipy.spatial.distance.jensenshannon(p, q, base=2).
    /// </summary>
    public static double JensenShannonDistance(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        (double r, double c, _) = Totals(reference, current);
        if (r <= 0 || c <= 0)
        {
            return 0;
        }

        double divergence = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double p = reference[i] / r;
            double q = current[i] / c;
            double m = 0.5 * (p + q);
            if (p > 0)
            {
                divergence += 0.5 * p * Math.Log(p / m);
            }

            if (q > 0)
            {
                divergence += 0.5 * q * Math.Log(q / m);
            }
        }

        return Math.Sqrt(Math.Max(0, divergence / Math.Log(2)));
    }

    /// <summary>
    /// Population stability index: sum over categories of (q - p)·ln(q / p), with p the reference share
    /// and q the current share, each floored at <see cref="PsiShareFloor"/>.
    /// </summary>
    public static double PopulationStabilityIndex(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        (double r, double c, _) = Totals(reference, current);
        if (r <= 0 || c <= 0)
        {
            return 0;
        }

        double psi = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            if (reference[i] <= 0 && current[i] <= 0)
            {
                continue;
            }

            double p = Math.Max(reference[i] / r, PsiShareFloor);
            double q = Math.Max(current[i] / c, PsiShareFloor);
            psi += (q - p) * Math.Log(q / p);
        }

        return psi;
    }

    /// <summary>Hellinger distance of the two share vectors, in [0, 1].</summary>
    public static double HellingerDistance(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        (double r, double c, _) = Totals(reference, current);
        if (r <= 0 || c <= 0)
        {
            return 0;
        }

        double sum = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double d = Math.Sqrt(reference[i] / r) - Math.Sqrt(current[i] / c);
            sum += d * d;
        }

        return Math.Sqrt(0.5 * sum);
    }

    private static (double Reference, double Current, int UsedCategories) Totals(
        ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        if (reference.Length != current.Length)
        {
            throw new ArgumentException("Reference and current counts must cover the same categories.", nameof(current));
        }

        double r = 0;
        double c = 0;
        int used = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            if (reference[i] < 0 || current[i] < 0)
            {
                throw new ArgumentException("Counts must be non-negative.", nameof(reference));
            }

            r += reference[i];
            c += current[i];
            if (reference[i] + current[i] > 0)
            {
                used++;
            }
        }

        return (r, c, used);
    }
}
