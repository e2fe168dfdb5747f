namespace DriftWatch.Core.Snapshots;

/// <summary>
/// The distances and significance tests the snapshot diff uses. Checked against scipy reference values in
/// the tests (scipy.spatial.distance.jensenshannon, scipy.stats.chi2, chi2_contingency, kstwobign).
/// </summary>
internal static class DistributionTests
{
    /// <summary>Jensen-Shannon distance (square root of the divergence, base 2) in [0, 1].</summary>
    public static double JensenShannonDistance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length)
        {
            throw new ArgumentException("Distributions must have the same support.", nameof(q));
        }

        double sumP = 0, sumQ = 0;
        for (var i = 0; i < p.Length; i++)
        {
            sumP += p[i];
            sumQ += q[i];
        }

        if (sumP <= 0 || sumQ <= 0)
        {
            return sumP <= 0 && sumQ <= 0 ? 0 : 1;
        }

        double divergence = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var a = p[i] / sumP;
            var b = q[i] / sumQ;
            var m = (a + b) / 2;
            if (a > 0)
            {
                divergence += a * Math.Log2(a / m);
            }

            if (b > 0)
            {
                divergence += b * Math.Log2(b / m);
            }
        }

        return Math.Sqrt(Math.Clamp(divergence / 2, 0, 1));
    }

    /// <summary>
    /// G-test of homogeneity on a 2 x K table of counts (rows: the two snapshots). Returns the statistic,
    /// degrees of freedom and p-value; categories empty in both rows are ignored.
    /// </summary>
    public static (double Statistic, int DegreesOfFreedom, double PValue) GTest(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double totalA = 0, totalB = 0;
        var used = 0;
        for (var i = 0; i < a.Length; i++)
        {
            totalA += a[i];
            totalB += b[i];
            if (a[i] + b[i] > 0)
            {
                used++;
            }
        }

        var total = totalA + totalB;
        if (totalA <= 0 || totalB <= 0 || used < 2)
        {
            return (0, Math.Max(used - 1, 0), 1);
        }

        double g = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var column = a[i] + b[i];
            if (column <= 0)
            {
                continue;
            }

            g += Term(a[i], totalA * column / total) + Term(b[i], totalB * column / total);
        }

        g *= 2;
        var df = used - 1;
        return (g, df, ChiSquareSurvival(g, df));

        static double Term(double observed, double expected) => observed > 0 ? observed * Math.Log(observed / expected) : 0;
    }

    /// <summary>P(X &gt; x) for a chi-square variable with <paramref name="df"/> degrees of freedom.</summary>
    public static double ChiSquareSurvival(double x, double df)
    {
        if (x <= 0)
        {
            return 1;
        }

        return RegularizedGammaQ(df / 2, x / 2);
    }

    /// <summary>
    /// P(K &gt; lambda) for the limiting Kolmogorov distribution (scipy's kstwobign), the large-sample law of
    /// sqrt(n) times the Kolmogorov-Smirnov statistic.
    /// </summary>
    public static double KolmogorovSurvival(double lambda)
    {
        if (lambda <= 0)
        {
            return 1;
        }

        if (lambda < 0.3)
        {
            // The alternating series converges badly here; the dual (theta-function) form converges fast.
            var sum = 0.0;
            for (var k = 1; k <= 20; k++)
            {
                var t = (2 * k - 1) * Math.PI / lambda;
                sum += Math.Exp(-t * t / 8);
            }

            return Math.Clamp(1 - Math.Sqrt(2 * Math.PI) / lambda * sum, 0, 1);
        }

        var total = 0.0;
        for (var k = 1; k <= 100; k++)
        {
            var term = Math.Exp(-2.0 * k * k * lambda * lambda);
            total += (k % 2 == 1 ? 2 : -2) * term;
            if (term < 1e-18)
            {
                break;
            }
        }

        return Math.Clamp(total, 0, 1);
    }

    /// <summary>Two-sample Kolmogorov-Smirnov p-value (asymptotic, with the Stephens small-sample correction).</summary>
    public static double KolmogorovSmirnovPValue(double d, long n1, long n2)
    {
        if (n1 <= 0 || n2 <= 0)
        {
            return 1;
        }

        var en = Math.Sqrt((double)n1 * n2 / (n1 + n2));
        return KolmogorovSurvival((en + 0.12 + 0.11 / en) * d);
    }

    /// <summary>Upper regularised incomplete gamma function Q(a, x).</summary>
    public static double RegularizedGammaQ(double a, double x)
    {
        if (x <= 0)
        {
            return 1;
        }

        if (x < a + 1)
        {
            return 1 - LowerSeries(a, x);
        }

        return UpperContinuedFraction(a, x);
    }

    private static double LowerSeries(double a, double x)
    {
        // P(a, x) = x^a e^-x / Gamma(a+1) * sum x^n / ((a+1)...(a+n)).
        var term = 1.0 / a;
        var sum = term;
        for (var n = 1; n < 10_000; n++)
        {
            term *= x / (a + n);
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * 1e-16)
            {
                break;
            }
        }

        return Math.Clamp(sum * Math.Exp(-x + a * Math.Log(x) - LogGamma(a)), 0, 1);
    }

    private static double UpperContinuedFraction(double a, double x)
    {
        // Q(a, x) by the continued fraction of Legendre, evaluated with the modified Lentz method.
        const double Tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / Tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 10_000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < Tiny)
            {
                d = Tiny;
            }

            c = b + an / c;
            if (Math.Abs(c) < Tiny)
            {
                c = Tiny;
            }

            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Clamp(Math.Exp(-x + a * Math.Log(x) - LogGamma(a)) * h, 0, 1);
    }

    /// <summary>ln Gamma(x) for x &gt; 0 (Lanczos approximation, g = 7, 9 terms; about 15 digits).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Reflection keeps the approximation in its accurate range.
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        ReadOnlySpan<double> coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7,
        ];
        x -= 1;
        var sum = coefficients[0];
        for (var i = 1; i < coefficients.Length; i++)
        {
            sum += coefficients[i] / (x + i);
        }

        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
