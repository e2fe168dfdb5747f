using DriftWatch.Core.Statistics;

namespace DriftWatch.Core.Tests.Statistics;

public sealed class ExactTestsTests
{
    [Fact]
    public void HypergeometricTails_ReferenceValues_MatchScipy()
    {
        foreach (var c in ScipyReference.Cases("hypergeom"))
        {
            long population = c.GetProperty("population").GetInt64();
            long successes = c.GetProperty("successes").GetInt64();
            long draws = c.GetProperty("draws").GetInt64();
            long k = c.GetProperty("k").GetInt64();
            string what = $"({population}, {successes}, {draws}) at {k}";
            ScipyReference.Close(c.GetProperty("sf").GetDouble(), ExactTests.HypergeometricUpperTail(k, population, successes, draws), 1e-9, "sf " + what);
            ScipyReference.Close(c.GetProperty("cdf").GetDouble(), ExactTests.HypergeometricLowerTail(k, population, successes, draws), 1e-9, "cdf " + what);
        }
    }

    [Fact]
    public void SparseHomogeneity_ReferenceTables_MatchScipy()
    {
        foreach (var c in ScipyReference.Cases("sparse_homogeneity"))
        {
            var r = ScipyReference.Doubles(c.GetProperty("reference"));
            var q = ScipyReference.Doubles(c.GetProperty("current"));
            var result = SparseHomogeneity.Test(r, q);
            string what = $"[{string.Join(",", r)}] vs [{string.Join(",", q)}]";
            Assert.Equal(c.GetProperty("df").GetInt32(), result.DegreesOfFreedom);
            Assert.Equal(c.GetProperty("exact_tests").GetInt32(), result.ExactTests);
            ScipyReference.Close(c.GetProperty("chi2").GetDouble(), result.ChiSquare, 1e-9, "chi2 " + what);
            ScipyReference.Close(c.GetProperty("chi2_p").GetDouble(), result.ChiSquareP, 1e-8, "chi2 p " + what);
            ScipyReference.Close(c.GetProperty("exact_min_p").GetDouble(), result.ExactMinP, 1e-8, "exact p " + what);
            ScipyReference.Close(c.GetProperty("p").GetDouble(), result.PValue, 1e-8, "p " + what);
        }
    }

    [Fact]
    public void SparseHomogeneity_UnseenValueInDeterministicReference_IsNotSignificantAtChiSquareLevel()
    {
        // 3 of 250 for a value the reference never saw in 2,000: the chi-square p-value is below 1e-5,
        // the exact one about 1e-3.
        var chi = CategoricalTests.ChiSquare([2000, 0], [247, 3]);
        var sparse = SparseHomogeneity.Test([2000, 0], [247, 3]);

        Assert.True(chi.PValue < 1e-5, $"chi-square p {chi.PValue}");
        Assert.True(sparse.PValue > 1e-4, $"exact p {sparse.PValue}");
    }
}
