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
    [InlineData(1, 50)]
    [InlineData(2, 3)]
    [InlineData(5, 250)]
    [InlineData(250, 250)]
    [InlineData(13, 2000)]
    [InlineData(45, 120)]
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

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 9)]
    [InlineData(3, 7)]
    [InlineData(4, 4)]
    [InlineData(7, 250)]
    [InlineData(64, 64)]
    [InlineData(250, 2000)]
    [InlineData(45, 120)]
    public void OutsideVectorised_EveryBandWidth_EqualsTheScalarWalk(int m, int n)
    {
        // Every bound from a band narrower than one cell to one wider than the lattice: the vector walk sweeps
        // whole vectors past both ends of each diagonal and must write exactly what the cell-by-cell walk does,
        // with four cells per vector and with eight (run in software where the processor lacks the width).
        long limit = (long)m * n;
        long step = Math.Max(1, limit / 200);
        for (long bound = 1; bound <= limit + 1; bound += step)
        {
            double scalar = KolmogorovSmirnov.OutsideScalar(m, n, bound);
            double vectorised = KolmogorovSmirnov.OutsideVectorised(m, n, bound);
            Assert.True(scalar.Equals(vectorised), $"m={m} n={n} bound={bound}: {scalar:R} vs {vectorised:R} (4 lanes)");
            double wide = KolmogorovSmirnov.OutsideVectorised512(m, n, bound);
            Assert.True(scalar.Equals(wide), $"m={m} n={n} bound={bound}: {scalar:R} vs {wide:R} (8 lanes)");
        }
    }

    [Theory]
    [InlineData(40, 25)]
    [InlineData(2000, 250)]
    public void ExactPValue_DBetweenLatticePoints_RoundsToTheNearestLikeScipy(int m, int n)
    {
        // scipy rounds d·lcm to the nearest integer h; a D computed in floating point lands a hair off k/lcm.
        long lcm = m / Gcd(m, n) * n;
        for (long k = 1; k < lcm; k += Math.Max(1, lcm / 40))
        {
            double onLattice = KolmogorovSmirnov.ExactPValue(m, n, (double)k / lcm);
            Assert.Equal(onLattice, KolmogorovSmirnov.ExactPValue(m, n, (k - 0.4) / lcm));
            Assert.Equal(onLattice, KolmogorovSmirnov.ExactPValue(m, n, (k + 0.4) / lcm));
        }
    }

    [Fact]
    public void Test_TiesTinySamplesEqualSizesAndDisjointSamples_MatchesScipyKs2samp()
    {
        foreach (var c in ScipyReference.Cases("ks_edges"))
        {
            double[] reference = ScipyReference.Doubles(c.GetProperty("a"));
            Array.Sort(reference);
            double[] sample = ScipyReference.Doubles(c.GetProperty("b"));
            var (d, p) = KolmogorovSmirnov.Test(reference, sample);
            ScipyReference.Close(c.GetProperty("ks").GetDouble(), d, what: $"D ({reference.Length} vs {sample.Length})");
            ScipyReference.Close(c.GetProperty("ks_p_exact").GetDouble(), p, relative: 1e-12, what: $"exact p ({reference.Length} vs {sample.Length})");
            // The statistic is symmetric: the walk steps through whichever sample is shorter.
            Assert.Equal(d, KolmogorovSmirnov.Statistic(sample.Order().ToArray(), reference));
        }
    }

    [Theory]
    [InlineData(2000, 250, 3)]
    [InlineData(250, 2000, 1)]
    [InlineData(100, 100, 0)]
    [InlineData(1, 30, 1)]
    [InlineData(17, 3, 0)]
    public void Statistic_TiedSamples_EqualsTheWalkOverEveryDistinctValue(int m, int n, int decimals)
    {
        // Values rounded hard so that most of them tie, within and across the samples.
        var random = new Random(20261203 + m + n);
        for (int round = 0; round < 50; round++)
        {
            double[] a = Enumerable.Range(0, m).Select(_ => Math.Round(random.NextDouble() * 3, decimals)).Order().ToArray();
            double shift = random.NextDouble() - 0.5;
            double[] b = Enumerable.Range(0, n).Select(_ => Math.Round((random.NextDouble() * 3) + shift, decimals)).Order().ToArray();
            Assert.Equal(EveryDistinctValue(a, b), KolmogorovSmirnov.Statistic(a, b));
        }
    }

    [Theory]
    [InlineData(2000, 250, 3)]
    [InlineData(2000, 250, 1)]
    [InlineData(250, 2000, 1)]
    [InlineData(100, 100, 0)]
    [InlineData(1, 30, 1)]
    [InlineData(30, 1, 0)]
    [InlineData(17, 3, 0)]
    [InlineData(3000, 40, 2)]
    [InlineData(4096, 100, 3)]
    [InlineData(4097, 100, 3)]
    [InlineData(65, 40, 1)]
    [InlineData(64, 64, 2)]
    [InlineData(8, 20, 1)]
    [InlineData(7, 20, 1)]
    public void StatisticAgainstSorted_TiedUnsortedSample_EqualsTheWalkOverEveryDistinctValue(int m, int n, int decimals)
    {
        // The sample is placed among the reference by search, unsorted: ties within the sample, within the
        // reference (runs of equal values) and across the two must give the merge walk's D exactly. Reference
        // sizes on both sides of the vector search's limits (8 and 4,096 values) and of its blocks of 64.
        var random = new Random(20261204 + m + n);
        for (int round = 0; round < 50; round++)
        {
            double[] reference = Enumerable.Range(0, m).Select(_ => Math.Round(random.NextDouble() * 3, decimals)).Order().ToArray();
            double shift = random.NextDouble() - 0.5;
            double[] sample = Enumerable.Range(0, n).Select(_ => Math.Round((random.NextDouble() * 3) + shift, decimals)).ToArray();
            double expected = EveryDistinctValue(reference, sample.Order().ToArray());
            Assert.Equal(expected, KolmogorovSmirnov.StatisticAgainstSorted(reference, sample));
        }
    }

    [Fact]
    public void StatisticAgainstSorted_AllEqualOrDisjoint_EqualsTheWalkOverEveryDistinctValue()
    {
        double[][] references = [[1, 1, 1, 1], [1, 2, 3], [5, 5, 6, 6, 6, 7], [-1, 0, 0, 0]];
        double[][] samples = [[1, 1], [0, 0, 0], [9, 10], [6, 6, 6, 6, 5], [1], [0, 7, 0, 6, 5, 5]];
        foreach (double[] reference in references)
        {
            foreach (double[] sample in samples)
            {
                Assert.Equal(
                    EveryDistinctValue(reference, sample.Order().ToArray()),
                    KolmogorovSmirnov.StatisticAgainstSorted(reference, sample));
            }
        }
    }

    [Fact]
    public void Test_EmptySample_Throws()
    {
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.Test([1.0, 2.0], Span<double>.Empty));
    }

    // D evaluated after every distinct value of the union (all ties on both sides consumed), as scipy does.
    private static double EveryDistinctValue(double[] a, double[] b)
    {
        long widest = 0;
        int i = 0;
        int j = 0;
        while (i < a.Length || j < b.Length)
        {
            double x = Math.Min(i < a.Length ? a[i] : double.MaxValue, j < b.Length ? b[j] : double.MaxValue);
            while (i < a.Length && a[i] <= x)
            {
                i++;
            }

            while (j < b.Length && b[j] <= x)
            {
                j++;
            }

            widest = Math.Max(widest, Math.Abs(((long)i * b.Length) - ((long)j * a.Length)));
        }

        return widest / ((double)a.Length * b.Length);
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
