using DriftWatch.Core.Statistics;

namespace DriftWatch.Core.Tests.Statistics;

public sealed class TwoSampleTests
{
    [Fact]
    public void CategoricalTests_ReferenceTables_MatchScipyAndNumpy()
    {
        foreach (var c in ScipyReference.Cases("categorical"))
        {
            double[] r = ScipyReference.Doubles(c.GetProperty("reference"));
            double[] q = ScipyReference.Doubles(c.GetProperty("current"));
            var chi = CategoricalTests.ChiSquare(r, q);
            ScipyReference.Close(c.GetProperty("chi2").GetDouble(), chi.Statistic, what: "chi2");
            ScipyReference.Close(c.GetProperty("chi2_p").GetDouble(), chi.PValue, what: "chi2 p");
            Assert.Equal(c.GetProperty("chi2_df").GetInt32(), (int)chi.DegreesOfFreedom);
            var g = CategoricalTests.GTest(r, q);
            ScipyReference.Close(c.GetProperty("g").GetDouble(), g.Statistic, what: "G");
            ScipyReference.Close(c.GetProperty("g_p").GetDouble(), g.PValue, what: "G p");
            ScipyReference.Close(c.GetProperty("js").GetDouble(), CategoricalTests.JensenShannonDistance(r, q), what: "JS");
            ScipyReference.Close(c.GetProperty("psi").GetDouble(), CategoricalTests.PopulationStabilityIndex(r, q), what: "PSI");
            ScipyReference.Close(c.GetProperty("hellinger").GetDouble(), CategoricalTests.HellingerDistance(r, q), what: "Hellinger");
        }
    }

    [Fact]
    public void KolmogorovSmirnov_ReferenceSamples_MatchesScipyKs2sampExact()
    {
        foreach (var c in ScipyReference.Cases("samples"))
        {
            double[] a = Sorted(c.GetProperty("a"));
            double[] b = Sorted(c.GetProperty("b"));
            double d = KolmogorovSmirnov.Statistic(a, b);
            ScipyReference.Close(c.GetProperty("ks").GetDouble(), d, what: "D");
            ScipyReference.Close(c.GetProperty("ks_p_exact").GetDouble(), KolmogorovSmirnov.ExactPValue(a.Length, b.Length, d), what: "exact p");
            ScipyReference.Close(c.GetProperty("ks_p_asymptotic").GetDouble(), KolmogorovSmirnov.AsymptoticPValue(a.Length, b.Length, d), what: "asymptotic p");
        }
    }

    [Fact]
    public void Wasserstein_ReferenceSamples_MatchesScipyWassersteinDistance()
    {
        foreach (var c in ScipyReference.Cases("samples"))
        {
            double[] a = Sorted(c.GetProperty("a"));
            double[] b = Sorted(c.GetProperty("b"));
            ScipyReference.Close(c.GetProperty("wasserstein").GetDouble(), Wasserstein.Distance(a, b), what: "W1");
            ScipyReference.Close(c.GetProperty("wasserstein_normalised").GetDouble(), Wasserstein.NormalisedDistance(a, b), what: "W1/IQR");
        }
    }

    [Fact]
    public void Quantiles_Linear_MatchesNumpyQuantile()
    {
        double[] qs = [0.0, 0.1, 0.25, 0.5, 0.9, 1.0];
        foreach (var c in ScipyReference.Cases("samples"))
        {
            double[] a = Sorted(c.GetProperty("a"));
            double[] expected = ScipyReference.Doubles(c.GetProperty("quantiles"));
            for (int i = 0; i < qs.Length; i++)
            {
                ScipyReference.Close(expected[i], Quantiles.Linear(a, qs[i]), what: $"q{qs[i]}");
            }
        }
    }

    [Fact]
    public void MaximumMeanDiscrepancy_ReferenceSamples_MatchesNumpyUnbiasedEstimate()
    {
        foreach (var c in ScipyReference.Cases("mmd"))
        {
            double[] x = ScipyReference.Doubles(c.GetProperty("x"));
            double[] y = ScipyReference.Doubles(c.GetProperty("y"));
            int dim = c.GetProperty("dimension").GetInt32();
            double bw = c.GetProperty("bandwidth").GetDouble();
            ScipyReference.Close(c.GetProperty("mmd2").GetDouble(), MaximumMeanDiscrepancy.Unbiased(x, y, dim, bw), what: "MMD2");
        }
    }

    [Fact]
    public void MaximumMeanDiscrepancy_PermutationTest_IsReproducibleAndSeparatesShiftedSamples()
    {
        var random = new Random(7);
        double[] x = Enumerable.Range(0, 60).Select(_ => random.NextDouble()).ToArray();
        double[] same = Enumerable.Range(0, 60).Select(_ => random.NextDouble()).ToArray();
        double[] shifted = Enumerable.Range(0, 60).Select(_ => random.NextDouble() + 0.8).ToArray();

        var first = MaximumMeanDiscrepancy.PermutationTest(x, shifted, 2, 0.5, 200, seed: 11);
        var second = MaximumMeanDiscrepancy.PermutationTest(x, shifted, 2, 0.5, 200, seed: 11);
        var quiet = MaximumMeanDiscrepancy.PermutationTest(x, same, 2, 0.5, 200, seed: 11);

        Assert.Equal(first, second);
        Assert.True(first.PValue < 0.01, $"shifted p = {first.PValue}");
        Assert.True(quiet.PValue > 0.01, $"same-distribution p = {quiet.PValue}");
    }

    private static double[] Sorted(System.Text.Json.JsonElement e)
    {
        double[] values = ScipyReference.Doubles(e);
        Array.Sort(values);
        return values;
    }
}
