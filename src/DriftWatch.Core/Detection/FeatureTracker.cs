using System.Globalization;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;
using DriftWatch.Core.Statistics;

namespace DriftWatch.Core.Detection;

/// <summary>
/// State of one feature of one behaviour: its reference, its current window, the calibration gathered
/// while the reference filled, the CUSUM over its window scores, and its alert episode.
/// </summary>
internal abstract class FeatureTracker(FeatureId id, FeatureKind kind)
{
    // Block ratios above this are treated as a broken calibration rather than a real dispersion.
    private const double MaxDispersion = 10;

    private double _calibrationSum;
    private double _calibrationWeight;
    private Cusum _cusum;
    private bool _inEpisode;
    private int _quietWindows;

    public FeatureId Id { get; } = id;

    public string Name { get; } = id.Format();

    public FeatureKind Kind { get; } = kind;

    /// <summary>Events that contributed to the current window.</summary>
    public abstract long CurrentEvents { get; }

    /// <summary>Events (possibly decayed) that the reference stands for.</summary>
    public abstract double ReferenceEvents { get; }

    public bool InEpisode => _inEpisode;

    /// <summary>
    /// Over-dispersion of the test statistic measured on the reference: the mean ratio of each reference
    /// block's statistic against the blocks before it to its null expectation, at least 1. Tokens of one
    /// text are not independent, for example, so the text sketch's chi-square runs above its df.
    /// </summary>
    public double Dispersion => _calibrationWeight > 0
        ? Math.Clamp(_calibrationSum / _calibrationWeight, 1, MaxDispersion)
        : 1;

    protected DateTimeOffset CurrentStart { get; private set; }

    protected bool HasCurrent { get; private set; }

    protected void Touch(DateTimeOffset at)
    {
        if (!HasCurrent)
        {
            CurrentStart = at;
            HasCurrent = true;
        }
    }

    protected void ClearCurrentStart() => HasCurrent = false;

    /// <summary>Writes everything this tracker decides with, so that <see cref="ReadFrom"/> resumes it exactly.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(_calibrationSum);
        writer.Write(_calibrationWeight);
        writer.Write(_cusum.Value);
        writer.Write(_inEpisode);
        writer.Write(_quietWindows);
        writer.Write(HasCurrent);
        writer.WriteTime(CurrentStart);
        WriteState(writer);
    }

    /// <summary>Restores what <see cref="WriteTo"/> wrote into a tracker created with the same id and settings.</summary>
    public void ReadFrom(BinaryReader reader)
    {
        _calibrationSum = reader.ReadDouble();
        _calibrationWeight = reader.ReadDouble();
        _cusum.Restore(reader.ReadDouble());
        _inEpisode = reader.ReadBoolean();
        _quietWindows = reader.ReadInt32();
        HasCurrent = reader.ReadBoolean();
        CurrentStart = reader.ReadTime();
        ReadState(reader);
    }

    protected abstract void WriteState(BinaryWriter writer);

    protected abstract void ReadState(BinaryReader reader);

    protected void AddCalibration(double statistic, double expected)
    {
        if (expected > 0 && double.IsFinite(statistic))
        {
            _calibrationSum += statistic;
            _calibrationWeight += expected;
        }
    }

    /// <summary>Reference phase: calibrate on the closed block against the reference so far, then add it.</summary>
    public abstract void AbsorbReferenceBlock(DetectionContext context);

    /// <summary>Called once when the reference is complete (or replaced) and detection is armed.</summary>
    public abstract void FinishReference(DetectionContext context);

    protected abstract WindowTest Test(DetectionContext context, DetectionContext.Budget budget);

    protected abstract IReadOnlyList<ValueShift> TopShifts(int count);

    protected abstract string Describe(ValueShift shift);

    protected abstract void BlendIntoReference();

    protected abstract void ResetCurrent();

    // Mirrors the firing rule: min(test/threshold, effect/floor), or the same with the CUSUM in place of the test.
    private static double DecisionScore(WindowTest test, double cusum, double cusumThreshold)
    {
        double effect = test.EffectFloor > 0 ? test.Effect / test.EffectFloor : double.MaxValue;
        double direct = Math.Min(test.Threshold > 0 ? test.Statistic / test.Threshold : 0, effect);
        double sequential = Math.Min(cusumThreshold > 0 ? cusum / cusumThreshold : 0, effect);
        double score = Math.Max(direct, sequential);
        return double.IsFinite(score) ? score : 0;
    }

    /// <summary>
    /// Armed phase, at a window close: test the feature if both sides have enough observations, update the
    /// CUSUM and the episode, and append scores (and an alert when an episode starts).
    /// </summary>
    public void Evaluate(
        DetectionContext context,
        DetectionContext.Budget budget,
        in BehaviourKey key,
        DateTimeOffset at,
        DateTimeOffset windowEnd,
        List<FeatureScore> scores,
        List<RankedAlert> alerts)
    {
        var options = context.Options;
        if (ReferenceEvents < options.MinReferenceObservations)
        {
            ResetCurrent();
            ClearCurrentStart();
            return;
        }

        if (CurrentEvents < options.MinWindowObservations || !HasCurrent)
        {
            return; // carried over: a small segment is tested once it has gathered enough events
        }

        var test = Test(context, budget);
        double z = SpecialFunctions.NormalInverseSurvival(Math.Clamp(test.PValue, 1e-300, 1 - 1e-12));
        _cusum.Update(z, options.CusumDrift);
        bool cusumFired = _cusum.Value > budget.CusumThreshold && test.Effect >= test.EffectFloor;
        bool fired = test.Fired || cusumFired;

        var start = CurrentStart;
        long reference = (long)Math.Round(ReferenceEvents);
        long current = CurrentEvents;
        scores.Add(new FeatureScore(key, Name, test.Detector, test.Statistic, test.Threshold, at, start, windowEnd, reference, current));
        scores.Add(new FeatureScore(key, Name, test.EffectDetector, test.Effect, test.EffectFloor, at, start, windowEnd, reference, current));
        scores.Add(new FeatureScore(key, Name, DetectorNames.Cusum, _cusum.Value, budget.CusumThreshold, at, start, windowEnd, reference, current));
        scores.Add(new FeatureScore(key, Name, DetectorNames.Drift, DecisionScore(test, _cusum.Value, budget.CusumThreshold), 1, at, start, windowEnd, reference, current));

        if (!_inEpisode && fired)
        {
            _inEpisode = true;
            _quietWindows = 0;
            double rank = test.EffectFloor > 0 ? test.Effect / test.EffectFloor : z;
            alerts.Add(new RankedAlert(rank, BuildAlert(options, key, test, cusumFired && !test.Fired, budget, at, start, windowEnd)));
        }
        else if (_inEpisode)
        {
            bool stillHigh = fired || _cusum.Value > budget.CusumThreshold;
            _quietWindows = stillHigh ? 0 : _quietWindows + 1;
            if (_quietWindows >= options.RearmAfterQuietWindows)
            {
                _inEpisode = false;
                _cusum.Reset();
            }
        }

        // Bounded so the CUSUM falls back below h within a few quiet windows once a drift ends.
        _cusum.Cap(2 * budget.CusumThreshold);

        if (options.ReferenceMode == ReferenceMode.Rolling)
        {
            BlendIntoReference();
        }

        ResetCurrent();
        ClearCurrentStart();
    }

    /// <summary>
    /// Interim look inside a window: a feature that is not alerting already is tested on its window so far
    /// with the look's (smaller) α. A firing test starts the episode and alerts now; the window goes on
    /// filling and is tested at its close as usual. Nothing else changes (no CUSUM step, no scores), so a
    /// look leaves no state of its own. Text sketches are tested at a look against the plain
    /// chi-square threshold, not their fitted null (which describes whole windows).
    /// </summary>
    public void Look(
        DetectionContext context,
        DetectionContext.Budget look,
        in BehaviourKey key,
        DateTimeOffset at,
        DateTimeOffset windowEnd,
        List<RankedAlert> alerts)
    {
        var options = context.Options;
        if (_inEpisode || !HasCurrent
            || ReferenceEvents < options.MinReferenceObservations || CurrentEvents < options.MinWindowObservations)
        {
            return;
        }

        var test = Test(context, look);
        if (!test.Fired)
        {
            return;
        }

        _inEpisode = true;
        _quietWindows = 0;
        double z = SpecialFunctions.NormalInverseSurvival(Math.Clamp(test.PValue, 1e-300, 1 - 1e-12));
        double rank = test.EffectFloor > 0 ? test.Effect / test.EffectFloor : z;
        alerts.Add(new RankedAlert(rank, BuildAlert(options, key, test, false, look, at, CurrentStart, windowEnd)));
    }

    private DriftAlert BuildAlert(
        DriftMonitorOptions options,
        in BehaviourKey key,
        in WindowTest test,
        bool byCusum,
        DetectionContext.Budget budget,
        DateTimeOffset at,
        DateTimeOffset start,
        DateTimeOffset end)
    {
        string detector = byCusum ? DetectorNames.Cusum : test.Detector;
        double score = byCusum ? _cusum.Value : test.Statistic;
        double threshold = byCusum ? budget.CusumThreshold : test.Threshold;
        var severity = test.Effect >= 4 * test.EffectFloor && test.EffectFloor > 0 ? AlertSeverity.Critical : AlertSeverity.Warning;
        var shifts = TopShifts(options.TopShifts);
        string moved = string.Join(", ", shifts.Select(Describe));
        string summary = string.Create(
            CultureInfo.InvariantCulture,
            $"{Name} drifted for {key.AgentId}/{key.Environment}/{key.DecisionName} ({detector} {score:0.###} > {threshold:0.###}, {test.EffectDetector} {test.Effect:0.###}): {moved}");
        return new DriftAlert(key, Name, detector, score, threshold, severity, at, start, end, summary, shifts);
    }
}

/// <summary>
/// An alert with its effect size relative to the effect floor, so that when several features alert in one
/// step the one that moved most comes first (significance alone would favour the feature with the most
/// data, not the one that changed).
/// </summary>
internal readonly record struct RankedAlert(double Rank, DriftAlert Alert);
