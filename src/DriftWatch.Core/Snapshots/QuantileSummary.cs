namespace DriftWatch.Core.Snapshots;

/// <summary>A read-only view of one numeric feature's distribution, backed by a <see cref="KllSketch"/>.</summary>
public sealed class QuantileSummary
{
    internal QuantileSummary(KllSketch sketch) => Sketch = sketch;

    internal KllSketch Sketch { get; }

    /// <summary>Number of values seen.</summary>
    public long Count => Sketch.Count;

    /// <summary>Smallest value seen (exact); NaN when empty.</summary>
    public double Min => Sketch.Min;

    /// <summary>Largest value seen (exact); NaN when empty.</summary>
    public double Max => Sketch.Max;

    /// <summary>Normalised rank error bound of <see cref="Quantile"/> (99% probability).</summary>
    public double RankErrorBound => Sketch.RankErrorBound;

    /// <summary>The value at normalised rank <paramref name="q"/> in [0, 1].</summary>
    public double Quantile(double q) => Sketch.Quantile(q);

    /// <summary>Estimated fraction of values less than or equal to <paramref name="value"/>.</summary>
    public double Cdf(double value) => Sketch.Cdf(value);
}
