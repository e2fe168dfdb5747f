using DriftWatch.Core.Statistics;

namespace DriftWatch.Core.Detection;

/// <summary>
/// Settings and thresholds shared by every behaviour of one monitor. False-alarm control: a behaviour
/// testing F features over windows of W events must average TargetEventsBetweenFalseAlarms events
/// between false alarms, so each feature gets 1/F of that budget (Bonferroni), split evenly between its
/// single-window test (per-window level α = W / (2·F·target)) and its CUSUM (in-control run length of
/// 2·F·target / W windows). Both are then tightened by <see cref="SafetyFactor"/>, because the tail and
/// run-length approximations are not exact: every window is compared with the same finite reference
/// (so scores are slightly correlated), counts are discrete, and Siegmund's run-length formula is an
/// approximation. With interim looks (<see cref="DriftMonitorOptions.InterimLookEvery"/>) the window test's
/// α is halved and the other half is shared by the L looks inside the window (α/(2L) each), so a window
/// still spends at most its α whichever of its tests fires. Thresholds depend only on F, the look flag and
/// degrees of freedom, so they are cached here.
/// </summary>
internal sealed class DetectionContext
{
    /// <summary>Design false-alarm rate = target rate / SafetyFactor; measured rates stay below the target.</summary>
    public const double SafetyFactor = 4;

    private readonly Dictionary<(int Features, bool Look, bool Halved, int Df), double> _chiSquare = [];
    private readonly Dictionary<int, Budget> _budgets = [];
    private double[] _scratch = [];

    public DetectionContext(DriftMonitorOptions options)
    {
        Options = options;
    }

    public DriftMonitorOptions Options { get; }

    /// <summary>The sibling detectors registered on the monitor, in registration order (the order of their checkpoint sections).</summary>
    public List<Detectors.IBehaviourDetector> Detectors { get; } = [];

    public Budget BudgetFor(int featureCount)
    {
        featureCount = Math.Max(featureCount, 1);
        if (!_budgets.TryGetValue(featureCount, out var budget))
        {
            double windows = SafetyFactor * Options.TargetEventsBetweenFalseAlarms / Options.CurrentWindowSize;
            double alpha = Math.Clamp(1 / (2 * featureCount * windows), 1e-12, 0.25);
            double runLength = 2 * featureCount * windows;
            double cusum = Cusum.ThresholdForRunLength(runLength, Options.CusumDrift);
            int looks = Options.InterimLooksPerWindow;
            Budget? look = null;
            if (looks > 0)
            {
                // The window's test α is split: half for the test at the window's close, half shared evenly
                // (Bonferroni) by the interim looks inside it.
                double lookAlpha = Math.Clamp(alpha / (2 * looks), 1e-14, 0.25);
                look = new Budget(featureCount, lookAlpha, SpecialFunctions.KolmogorovInverseSurvival(lookAlpha), cusum) { IsLook = true };
                alpha /= 2;
            }

            budget = new Budget(featureCount, alpha, SpecialFunctions.KolmogorovInverseSurvival(alpha), cusum) { Look = look };
            _budgets.Add(featureCount, budget);
        }

        return budget;
    }

    /// <summary>
    /// Working space for one test at a time, reused by every tracker of the monitor (which runs on one
    /// thread): an interim look tests every feature every few events, and renting from the shared array
    /// pool there cost more than the test itself. The contents are left from the previous use.
    /// </summary>
    public Span<double> Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            _scratch = new double[Math.Max(length, 2 * _scratch.Length)];
        }

        return _scratch.AsSpan(0, length);
    }

    /// <summary>chi2.isf(α, df) for the budget's α (α/2 when the test shares α with an exact part).</summary>
    public double ChiSquareThreshold(Budget budget, int degreesOfFreedom, bool halved = false)
    {
        var key = (budget.FeatureCount, budget.IsLook, halved, degreesOfFreedom);
        if (!_chiSquare.TryGetValue(key, out double threshold))
        {
            threshold = SpecialFunctions.ChiSquareInverseSurvival(halved ? budget.Alpha / 2 : budget.Alpha, degreesOfFreedom);
            _chiSquare.Add(key, threshold);
        }

        return threshold;
    }

    /// <summary>Per-feature false-alarm allowances for a behaviour testing <see cref="FeatureCount"/> features.</summary>
    internal sealed record Budget(int FeatureCount, double Alpha, double KolmogorovThreshold, double CusumThreshold)
    {
        /// <summary>Whether this is the budget of one interim look (not of a window's close).</summary>
        public bool IsLook { get; init; }

        /// <summary>The budget of each interim look inside a window; null when looks are off.</summary>
        public Budget? Look { get; init; }
    }
}
