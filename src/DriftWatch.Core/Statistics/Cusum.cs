namespace DriftWatch.Core.Statistics;

/// <summary>
/// One-sided upper CUSUM over a stream of scores that are standard normal while nothing changes:
/// S = max(0, S + x - k), alarming when S exceeds h.
/// </summary>
internal struct Cusum
{
    public double Value { get; private set; }

    /// <summary>Adds one observation and returns the new statistic.</summary>
    public double Update(double x, double drift)
    {
        Value = Math.Max(0, Value + x - drift);
        return Value;
    }

    /// <summary>Caps the statistic so that a long episode does not take forever to decay after it ends.</summary>
    public void Cap(double maximum) => Value = Math.Min(Value, maximum);

    public void Reset() => Value = 0;

    /// <summary>Resumes from a checkpointed statistic.</summary>
    public void Restore(double value) => Value = Math.Max(0, value);

    /// <summary>
    /// Siegmund's approximation of the in-control average run length of the CUSUM above for N(0, 1)
    /// observations: (exp(2kb) - 2kb - 1) / (2k²) with b = h + 1.166.
    /// </summary>
    public static double AverageRunLength(double threshold, double drift)
    {
        double b = threshold + 1.166;
        double a = 2 * drift * b;
        return (Math.Exp(a) - a - 1) / (2 * drift * drift);
    }

    /// <summary>The threshold h whose <see cref="AverageRunLength"/> equals <paramref name="runLength"/>.</summary>
    public static double ThresholdForRunLength(double runLength, double drift)
    {
        if (!(drift > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(drift), drift, "Drift allowance must be positive.");
        }

        double lo = 0;
        double hi = 1;
        while (AverageRunLength(hi, drift) < runLength)
        {
            lo = hi;
            hi *= 2;
        }

        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (AverageRunLength(mid, drift) < runLength)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }
}
