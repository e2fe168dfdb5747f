using DriftWatch.Core.Statistics;

namespace DriftWatch.Core.Tests.Statistics;

public sealed class KolmogorovSmirnovTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(10, 10)]
    [InlineData(40, 25)]
    [InlineData(250, 2000)]
    [InlineData(2000, 250)]
    [InlineData(97, 113)]
    public void ExactPValue_AttainableD_EqualsTheFullLatticeTable(int m, int n)
    {
        // D takes the values k/lcm; the band-limited table must give what the full m·n table gives, to rounding.
        long lcm = m / Gcd(m, n) * n;
        long step = Math.Max(1, lcm / 60);
        for (long k = 0; k <= lcm; k += step)
        {
            double d = (double)k / lcm;
            double expected = FullTable(m, n, d);
            double actual = KolmogorovSmirnov.ExactPValue(m, n, d);
            Assert.True(Math.Abs(expected - actual) <= 1e-13 * expected, $"m={m} n={n} d={d}: {expected:R} vs {actual:R}");
        }
    }

    [Fact]
    public void Test_UnsortedSampleAgainstSortedReference_MatchesScipyKs2samp()
    {
        foreach (var c in ScipyReference.Cases("samples"))
        {
            double[] reference = ScipyReference.Doubles(c.GetProperty("a"));
            Array.Sort(reference);
            double[] sample = ScipyReference.Doubles(c.GetProperty("b"));
            var (d, p) = KolmogorovSmirnov.Test(reference, sample);
            ScipyReference.Close(c.GetProperty("ks").GetDouble(), d, what: "D");
            ScipyReference.Close(c.GetProperty("ks_p_exact").GetDouble(), p, what: "exact p");
        }
    }

    [Fact]
    public void Test_EmptySample_Throws()
    {
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.Test([1.0, 2.0], Span<double>.Empty));
    }

    // The textbook O(m·n) recursion over the whole lattice, kept here as the oracle.
    private static double FullTable(int m, int n, double d)
    {
        long g = Gcd(m, n);
        long h = (long)Math.Round(d * (m / g * n));
        if (h <= 0)
        {
            return 1;
        }

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

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
