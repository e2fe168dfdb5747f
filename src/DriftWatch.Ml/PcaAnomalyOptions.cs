namespace DriftWatch.Ml;

/// <summary>
/// Settings of the window anomaly detector: each window becomes a vector (outcome shares; mean and
/// quantiles of confidence, sentiment and metrics; tool error rate), ML.NET's RandomizedPca learns the
/// reference's windows, and a window scores its distance from them (Hotelling T² in the principal subspace
/// plus the squared reconstruction error, each relative to the reference windows).
/// </summary>
public sealed class PcaAnomalyOptions
{
    /// <summary>Whether the detector runs. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Principal components kept (capped by the vector's dimension). Default 3.</summary>
    public int Rank { get; set; } = 3;

    /// <summary>
    /// Reference windows are taken sliding over the reference events with this many steps per window length
    /// (10 with 250-event windows over 2,000 events gives 71 overlapping windows). Default 10.
    /// </summary>
    public int StepsPerWindow { get; set; } = 10;

    /// <summary>Most outcomes given their own share (the reference's most frequent); the rest are pooled. Default 6.</summary>
    public int MaxOutcomes { get; set; } = 6;

    /// <summary>Most metrics keys profiled (the first seen in the reference). Default 4.</summary>
    public int MaxMetrics { get; set; } = 4;

    /// <summary>
    /// The threshold is the largest score of a reference window times this margin: reference windows are
    /// scored in-sample and overlap, so their maximum understates a fresh window's spread (on quiet simulated
    /// streams, 5 seeds and 200 windows, fresh windows reached 2.1 times the reference maximum). This
    /// threshold is empirical: it is not derived from TargetEventsBetweenFalseAlarms. Default 3.
    /// </summary>
    public double ThresholdMargin { get; set; } = 3;

    /// <summary>Fewest events a window must have to be scored. Default 50.</summary>
    public int MinWindowEvents { get; set; } = 50;

    internal void Validate()
    {
        MlDetectionOptions.Require(Rank is >= 1 and <= 16, "PcaAnomaly.Rank", Rank, "must be in [1, 16]");
        MlDetectionOptions.Require(StepsPerWindow is >= 1 and <= 50, "PcaAnomaly.StepsPerWindow", StepsPerWindow, "must be in [1, 50]");
        MlDetectionOptions.Require(MaxOutcomes is >= 1 and <= 32, "PcaAnomaly.MaxOutcomes", MaxOutcomes, "must be in [1, 32]");
        MlDetectionOptions.Require(MaxMetrics is >= 0 and <= 16, "PcaAnomaly.MaxMetrics", MaxMetrics, "must be in [0, 16]");
        MlDetectionOptions.Require(ThresholdMargin >= 1 && double.IsFinite(ThresholdMargin), "PcaAnomaly.ThresholdMargin", ThresholdMargin, "must be a finite number of at least 1");
        MlDetectionOptions.Require(MinWindowEvents >= 10, "PcaAnomaly.MinWindowEvents", MinWindowEvents, "must be at least 10");
    }
}
