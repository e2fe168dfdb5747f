using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Tests.Snapshots;

public sealed class KllSketchTests
{
    private static readonly double[] Grid = Enumerable.Range(1, 99).Select(static i => i / 100.0).ToArray();

    public static TheoryData<string> Streams => new() { "random", "sorted", "reversed", "duplicates" };

    [Theory]
    [MemberData(nameof(Streams))]
    public void Quantile_StreamOf100k_RankErrorWithinBound(string stream)
    {
        var values = Stream(stream, 100_000, seed: 7);
        var sketch = new KllSketch();
        foreach (var v in values)
        {
            sketch.Add(v);
        }

        var worst = WorstRankError(sketch, values);

        Assert.True(worst <= sketch.RankErrorBound, $"worst rank error {worst:0.0000} exceeds bound {sketch.RankErrorBound:0.0000}");
    }

    [Fact]
    public void Merge_FortySketches_RankErrorWithinBound()
    {
        var values = Stream("random", 100_000, seed: 11);
        var merged = new KllSketch();
        foreach (var chunk in values.Chunk(2_500))
        {
            var part = new KllSketch();
            foreach (var v in chunk)
            {
                part.Add(v);
            }

            merged = KllSketch.Merge(merged, part);
        }

        Assert.Equal(values.Length, merged.Count);
        Assert.True(WorstRankError(merged, values) <= merged.RankErrorBound);
    }

    [Fact]
    public void Add_SameSequenceTwice_IdenticalRetainedItems()
    {
        var values = Stream("random", 50_000, seed: 3);
        var a = new KllSketch();
        var b = new KllSketch();
        foreach (var v in values)
        {
            a.Add(v);
            b.Add(v);
        }

        Assert.Equal(a.Levels.Select(static l => l.ToArray()), b.Levels.Select(static l => l.ToArray()));
    }

    [Fact]
    public void Add_ManyValues_SizeStaysBoundedAndMinMaxExact()
    {
        var values = Stream("random", 300_000, seed: 5);
        var sketch = new KllSketch();
        foreach (var v in values)
        {
            sketch.Add(v);
        }

        Assert.InRange(sketch.RetainedItems, 1, 3 * sketch.K + 8 * 20);
        Assert.Equal(values.Min(), sketch.Min);
        Assert.Equal(values.Max(), sketch.Max);
        Assert.Equal(values.Min(), sketch.Quantile(0));
        Assert.Equal(values.Max(), sketch.Quantile(1));
    }

    [Fact]
    public void Add_NonFiniteValue_Ignored()
    {
        var sketch = new KllSketch();
        sketch.Add(double.NaN);
        sketch.Add(double.PositiveInfinity);
        sketch.Add(2.5);

        Assert.Equal(1, sketch.Count);
        Assert.Equal(2.5, sketch.Quantile(0.5));
    }

    private static double WorstRankError(KllSketch sketch, double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var worst = 0.0;
        foreach (var q in Grid)
        {
            var estimate = sketch.Quantile(q);

            // Any rank the estimate occupies among the true values (ties span a range) counts as correct.
            var low = LowerBound(sorted, estimate) / (double)sorted.Length;
            var high = UpperBound(sorted, estimate) / (double)sorted.Length;
            var error = q < low ? low - q : q > high ? q - high : 0;
            worst = Math.Max(worst, error);
        }

        return worst;
    }

    private static int LowerBound(double[] sorted, double value)
    {
        var i = Array.BinarySearch(sorted, value);
        if (i < 0)
        {
            return ~i;
        }

        while (i > 0 && sorted[i - 1] == value)
        {
            i--;
        }

        return i;
    }

    private static int UpperBound(double[] sorted, double value)
    {
        var i = Array.BinarySearch(sorted, value);
        if (i < 0)
        {
            return ~i;
        }

        while (i < sorted.Length && sorted[i] == value)
        {
            i++;
        }

        return i;
    }

    private static double[] Stream(string kind, int n, int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 1000).ToArray();
        switch (kind)
        {
            case "sorted":
                Array.Sort(values);
                break;
            case "reversed":
                Array.Sort(values);
                Array.Reverse(values);
                break;
            case "duplicates":
                values = values.Select(static v => Math.Floor(v / 50)).ToArray();
                break;
        }

        return values;
    }
}
