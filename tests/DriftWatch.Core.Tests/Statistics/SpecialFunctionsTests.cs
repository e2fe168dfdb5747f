using DriftWatch.Core.Statistics;

namespace DriftWatch.Core.Tests.Statistics;

public sealed class SpecialFunctionsTests
{
    [Fact]
    public void LogGamma_ReferencePoints_MatchesScipy()
    {
        foreach (var c in ScipyReference.Cases("log_gamma"))
        {
            double x = c.GetProperty("x").GetDouble();
            ScipyReference.Close(c.GetProperty("value").GetDouble(), SpecialFunctions.LogGamma(x), what: $"lgamma({x})");
        }
    }

    [Fact]
    public void RegularizedGamma_ReferenceGrid_MatchesScipyGammaincAndGammaincc()
    {
        foreach (var c in ScipyReference.Cases("gamma"))
        {
            double a = c.GetProperty("a").GetDouble();
            double x = c.GetProperty("x").GetDouble();
            double p = c.GetProperty("p").GetDouble();
            double q = c.GetProperty("q").GetDouble();
            // A value that underflows in scipy cannot be compared relatively; skip those cells only.
            if (p > 1e-290)
            {
                ScipyReference.Close(p, SpecialFunctions.RegularizedGammaP(a, x), what: $"P({a},{x})");
            }

            if (q > 1e-290)
            {
                ScipyReference.Close(q, SpecialFunctions.RegularizedGammaQ(a, x), what: $"Q({a},{x})");
            }
        }
    }

    [Fact]
    public void ChiSquareSurvival_ReferenceGrid_MatchesScipy()
    {
        foreach (var c in ScipyReference.Cases("chi2_sf"))
        {
            double x = c.GetProperty("x").GetDouble();
            double df = c.GetProperty("df").GetDouble();
            ScipyReference.Close(c.GetProperty("sf").GetDouble(), SpecialFunctions.ChiSquareSurvival(x, df), what: $"chi2.sf({x},{df})");
        }
    }

    [Fact]
    public void ChiSquareInverseSurvival_ReferenceGrid_MatchesScipy()
    {
        foreach (var c in ScipyReference.Cases("chi2_isf"))
        {
            double alpha = c.GetProperty("alpha").GetDouble();
            double df = c.GetProperty("df").GetDouble();
            ScipyReference.Close(c.GetProperty("x").GetDouble(), SpecialFunctions.ChiSquareInverseSurvival(alpha, df), what: $"chi2.isf({alpha},{df})");
        }
    }

    [Fact]
    public void KolmogorovSurvival_ReferencePoints_MatchesScipyKstwobign()
    {
        foreach (var c in ScipyReference.Cases("kolmogorov_sf"))
        {
            double x = c.GetProperty("x").GetDouble();
            ScipyReference.Close(c.GetProperty("sf").GetDouble(), SpecialFunctions.KolmogorovSurvival(x), what: $"kstwobign.sf({x})");
        }

        foreach (var c in ScipyReference.Cases("kolmogorov_isf"))
        {
            double alpha = c.GetProperty("alpha").GetDouble();
            ScipyReference.Close(c.GetProperty("x").GetDouble(), SpecialFunctions.KolmogorovInverseSurvival(alpha), what: $"kstwobign.isf({alpha})");
        }
    }

    [Fact]
    public void NormalInverseSurvival_ReferencePoints_MatchesScipyWithinApproximationError()
    {
        foreach (var c in ScipyReference.Cases("normal_isf"))
        {
            double p = c.GetProperty("p").GetDouble();
            // Acklam's approximation is documented at about 1.15e-9 relative; compare at 1e-8.
            ScipyReference.Close(c.GetProperty("z").GetDouble(), SpecialFunctions.NormalInverseSurvival(p), 1e-8, $"norm.isf({p})");
        }
    }
}
