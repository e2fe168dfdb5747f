using System.Text.Json;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Tests.Snapshots;

/// <summary>Checks the diff statistics against scipy (Reference/distribution_reference.py generated the values).</summary>
public sealed class DistributionTestsTests
{
    private static readonly JsonElement Reference = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snapshots", "Reference", "distribution_reference.json"))).RootElement;

    [Fact]
    public void JensenShannonDistance_ScipyReferencePairs_Match()
    {
        foreach (var item in Reference.GetProperty("jensen_shannon").EnumerateArray())
        {
            var actual = DistributionTests.JensenShannonDistance(Doubles(item, "p"), Doubles(item, "q"));

            Assert.Equal(item.GetProperty("distance").GetDouble(), actual, 1e-12);
        }
    }

    [Fact]
    public void GTest_ScipyChi2ContingencyLogLikelihood_Match()
    {
        foreach (var item in Reference.GetProperty("g_test").EnumerateArray())
        {
            var (statistic, dof, p) = DistributionTests.GTest(Doubles(item, "a"), Doubles(item, "b"));

            Assert.Equal(item.GetProperty("statistic").GetDouble(), statistic, 1e-9);
            Assert.Equal(item.GetProperty("dof").GetInt32(), dof);
            AssertRelative(item.GetProperty("p_value").GetDouble(), p, 1e-9);
        }
    }

    [Fact]
    public void ChiSquareSurvival_ScipyChi2Sf_Match()
    {
        foreach (var item in Reference.GetProperty("chi2_sf").EnumerateArray())
        {
            var actual = DistributionTests.ChiSquareSurvival(item.GetProperty("x").GetDouble(), item.GetProperty("df").GetDouble());

            AssertRelative(item.GetProperty("sf").GetDouble(), actual, 1e-9);
        }
    }

    [Fact]
    public void KolmogorovSurvival_ScipyKstwobignSf_Match()
    {
        foreach (var item in Reference.GetProperty("kolmogorov_sf").EnumerateArray())
        {
            var actual = DistributionTests.KolmogorovSurvival(item.GetProperty("lambda").GetDouble());

            Assert.Equal(item.GetProperty("sf").GetDouble(), actual, 1e-10);
        }
    }

    [Fact]
    public void LogGamma_ScipyGammaln_Match()
    {
        foreach (var item in Reference.GetProperty("log_gamma").EnumerateArray())
        {
            var actual = DistributionTests.LogGamma(item.GetProperty("x").GetDouble());

            Assert.Equal(item.GetProperty("value").GetDouble(), actual, 1e-10);
        }
    }

    private static double[] Doubles(JsonElement item, string name) =>
        item.GetProperty(name).EnumerateArray().Select(static e => e.GetDouble()).ToArray();

    private static void AssertRelative(double expected, double actual, double tolerance)
    {
        var scale = Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(Math.Abs(expected - actual) / scale <= tolerance || Math.Abs(expected - actual) < 1e-15, $"expected {expected:R}, got {actual:R}");
    }
}
