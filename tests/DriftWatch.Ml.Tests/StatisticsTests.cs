using DriftWatch.Ml.Embeddings;
using DriftWatch.Ml.Internal;
using DriftWatch.Ml.Text;

namespace DriftWatch.Ml.Tests;

public sealed class StatisticsTests
{
    [Fact]
    public void InverseSurvival_ScipyValues_Match()
    {
        foreach (var row in ReferenceValues.Get("norm_isf").EnumerateArray())
        {
            double p = row.GetProperty("p").GetDouble();
            double expected = row.GetProperty("z").GetDouble();
            Assert.Equal(expected, DriftWatch.Core.Statistics.SpecialFunctions.NormalInverseSurvival(p), 6);
        }
    }

    [Fact]
    public void AucCompute_TiedScores_MatchesScipyMannWhitney()
    {
        var reference = ReferenceValues.Get("auc");
        double auc = Auc.Compute(ReferenceValues.Doubles(reference.GetProperty("negatives")), ReferenceValues.Doubles(reference.GetProperty("positives")));
        Assert.Equal(reference.GetProperty("auc").GetDouble(), auc, 12);
    }

    [Fact]
    public void AucNullThreshold_MoreTestRows_Tightens()
    {
        double z = DriftWatch.Core.Statistics.SpecialFunctions.NormalInverseSurvival(1e-3);
        Assert.True(Auc.NullThreshold(100, 100, z) < Auc.NullThreshold(50, 50, z));
        Assert.True(Auc.NullThreshold(100, 100, z) > 0.5);
    }

    [Fact]
    public void EmbeddingStatistics_FixedSamples_MatchNumpy()
    {
        var reference = ReferenceValues.Get("mmd");
        var x = ReferenceValues.Rows(reference.GetProperty("x"));
        var y = ReferenceValues.Rows(reference.GetProperty("y"));

        // Inputs are stored as float, so agreement is to float precision.
        var result = EmbeddingDriftTest.Run(x, y, alpha: 0.05, permutations: 200, seed: 1);

        Assert.Equal(reference.GetProperty("bandwidth").GetDouble(), result.Bandwidth, 5);
        Assert.Equal(reference.GetProperty("mmd2").GetDouble(), result.Mmd, 5);
        Assert.Equal(reference.GetProperty("centroid_distance").GetDouble(), result.CentroidDistance, 5);
    }

    [Fact]
    public void EmbeddingDriftTest_SameSeed_SameThresholds()
    {
        var reference = ReferenceValues.Get("mmd");
        var x = ReferenceValues.Rows(reference.GetProperty("x"));
        var y = ReferenceValues.Rows(reference.GetProperty("y"));

        var first = EmbeddingDriftTest.Run(x, y, 0.05, 300, seed: 9);
        var second = EmbeddingDriftTest.Run(x, y, 0.05, 300, seed: 9);

        Assert.Equal(first, second);
    }
}
