namespace DriftWatch.Core.Statistics;

/// <summary>
/// Page-Hinkley test for an increase in the mean of a stream: m = Σ (x - x̄ - δ) with x̄ the running
/// mean, PH = m - min(m). Alarms when PH exceeds the caller's λ.
/// </summary>
internal sealed class PageHinkley(double delta)
{
    private long _count;
    private double _mean;
    private double _cumulative;
    private double _minimum;

    public double Value => _cumulative - _minimum;

    public double Update(double x)
    {
        _count++;
        _mean += (x - _mean) / _count;
        _cumulative += x - _mean - delta;
        _minimum = Math.Min(_minimum, _cumulative);
        return Value;
    }

    public void Reset()
    {
        _count = 0;
        _mean = 0;
        _cumulative = 0;
        _minimum = 0;
    }
}
