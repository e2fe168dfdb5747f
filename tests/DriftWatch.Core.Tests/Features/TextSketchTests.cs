using DriftWatch.Core.Features;

namespace DriftWatch.Core.Tests.Features;

public sealed class TextSketchTests
{
    [Fact]
    public void Accumulate_Sentence_CountsUnigramsAndBigrams()
    {
        var buckets = new double[64];

        int added = TextSketch.Accumulate("Thanks for reaching out!", buckets);

        Assert.Equal(4 + 3, added);
        Assert.Equal(added, buckets.Sum());
    }

    [Fact]
    public void Accumulate_CaseAndPunctuation_DoNotChangeSketch()
    {
        var a = new double[128];
        var b = new double[128];

        TextSketch.Accumulate("Refund processed, thanks", a);
        TextSketch.Accumulate("refund   PROCESSED thanks.", b);

        Assert.Equal(a, b);
    }

    [Fact]
    public void Ngrams_Buckets_AgreeWithAccumulate()
    {
        const string text = "where is my parcel";
        var buckets = new double[256];
        TextSketch.Accumulate(text, buckets);

        var ngrams = TextSketch.Ngrams(text, 256);

        Assert.Equal(7, ngrams.Count);
        Assert.Contains(ngrams, n => n.Ngram == "my parcel");
        Assert.All(ngrams, n => Assert.True(buckets[n.Bucket] > 0, $"{n.Ngram} -> bucket {n.Bucket}"));
    }

    [Fact]
    public void Accumulate_DifferentVocabulary_FillsDifferentBuckets()
    {
        var a = new double[256];
        var b = new double[256];

        TextSketch.Accumulate("thanks for reaching out we will follow up", a);
        TextSketch.Accumulate("per policy ticket closed refer to terms", b);

        double overlap = a.Zip(b, Math.Min).Sum();
        Assert.True(overlap <= 2, $"overlap {overlap}");
    }

    [Fact]
    public void AccumulateNormalised_AnyText_AddsUnitMass()
    {
        var buckets = new double[64];

        int ngrams = TextSketch.AccumulateNormalised("one two three four five", buckets);
        int none = TextSketch.AccumulateNormalised(" ... ", buckets);

        Assert.Equal(9, ngrams);
        Assert.Equal(0, none);
        Assert.Equal(1.0, buckets.Sum(), 12);
    }
}
