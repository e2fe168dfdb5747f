namespace DriftWatch.Core.Detection;

/// <summary>
/// The outcome of one feature's two-sample test over one window: the test statistic against its calibrated
/// threshold, and an effect size against its floor (both must be exceeded for the test to fire).
/// </summary>
internal readonly record struct WindowTest(
    string Detector,
    double Statistic,
    double Threshold,
    double PValue,
    string EffectDetector,
    double Effect,
    double EffectFloor)
{
    public bool Fired => Statistic > Threshold && Effect >= EffectFloor;
}
