using DriftWatch.Core.Statistics;

namespace DriftWatch.Core.Tests.Statistics;

public sealed class ChangeDetectionTests
{
    [Fact]
    public void Cusum_ReferenceStream_MatchesReferenceRecurrence()
    {
        var data = ScipyReference.Root.GetProperty("change_detection");
        double[] xs = ScipyReference.Doubles(data.GetProperty("x"));
        double[] expected = ScipyReference.Doubles(data.GetProperty("cusum"));
        double k = data.GetProperty("k").GetDouble();
        var cusum = default(Cusum);
        for (int i = 0; i < xs.Length; i++)
        {
            ScipyReference.Close(expected[i], cusum.Update(xs[i], k), what: $"cusum[{i}]");
        }
    }

    [Fact]
    public void PageHinkley_ReferenceStream_MatchesReferenceRecurrence()
    {
        var data = ScipyReference.Root.GetProperty("change_detection");
        double[] xs = ScipyReference.Doubles(data.GetProperty("x"));
        double[] expected = ScipyReference.Doubles(data.GetProperty("page_hinkley"));
        var ph = new PageHinkley(data.GetProperty("delta").GetDouble());
        for (int i = 0; i < xs.Length; i++)
        {
            ScipyReference.Close(expected[i], ph.Update(xs[i]), what: $"ph[{i}]");
        }
    }

    [Fact]
    public void Cusum_ThresholdForRunLength_InvertsSiegmundApproximation()
    {
        foreach (var c in ScipyReference.Root.GetProperty("change_detection").GetProperty("arl").EnumerateArray())
        {
            double h = c.GetProperty("h").GetDouble();
            double k = c.GetProperty("k").GetDouble();
            double arl = c.GetProperty("arl").GetDouble();
            ScipyReference.Close(arl, Cusum.AverageRunLength(h, k), what: "ARL");
            ScipyReference.Close(h, Cusum.ThresholdForRunLength(arl, k), 1e-9, "h");
        }
    }
}
