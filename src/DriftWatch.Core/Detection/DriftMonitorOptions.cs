namespace DriftWatch.Core.Detection;

/// <summary>How the reference distribution of a behaviour is maintained.</summary>
public enum ReferenceMode
{
    /// <summary>The first <see cref="DriftMonitorOptions.ReferenceSize"/> events, then frozen.</summary>
    Fixed,

    /// <summary>
    /// Starts like <see cref="Fixed"/>, then each evaluated window is blended into the reference with weight
    /// window/ReferenceSize, so the reference follows the last ~ReferenceSize events. A drift that persists
    /// is absorbed and its episode ends after about that many events.
    /// </summary>
    Rolling,
}

/// <summary>Settings of <see cref="DriftMonitor"/>. Defaults suit a few hundred events per agent per hour.</summary>
public sealed class DriftMonitorOptions
{
    /// <summary>Events that form a behaviour's reference window; detection is armed after them. Default 2,000.</summary>
    public int ReferenceSize { get; set; } = 2000;

    /// <summary>Events per current window; the tests run when a window closes. Default 250.</summary>
    public int CurrentWindowSize { get; set; } = 250;

    /// <summary>
    /// A window also closes once it spans this much event time (checked when the next event arrives), so
    /// quiet agents are still evaluated. Null closes by count only. Default 15 minutes.
    /// </summary>
    public TimeSpan? CurrentWindowDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Expected number of events of one behaviour between false alarms (episodes on a stream without drift),
    /// split over all features and detectors tested. Default 100,000.
    /// </summary>
    public double TargetEventsBetweenFalseAlarms { get; set; } = 100_000;

    /// <summary>How the reference is maintained. Default <see cref="ReferenceMode.Fixed"/>.</summary>
    public ReferenceMode ReferenceMode { get; set; } = ReferenceMode.Fixed;

    /// <summary>
    /// Fewest observations of a feature in a window for it to be tested; a feature with fewer carries its
    /// window over to the next (a small segment is tested over several windows). Default 30.
    /// </summary>
    public int MinWindowObservations { get; set; } = 30;

    /// <summary>Fewest reference observations of a feature (or segment) before it is tested. Default 100.</summary>
    public int MinReferenceObservations { get; set; } = 100;

    /// <summary>
    /// Effect-size floor for categorical, conditional and text features (Jensen-Shannon distance, base 2):
    /// with large windows a significant but tiny shift does not alert. Default 0.05.
    /// </summary>
    public double MinJensenShannonEffect { get; set; } = 0.05;

    /// <summary>
    /// Effect-size floor for numeric features: Wasserstein-1 distance divided by the reference's
    /// interquartile range. Default 0.1 (a tenth of the reference IQR).
    /// </summary>
    public double MinWassersteinEffect { get; set; } = 0.1;

    /// <summary>
    /// Events of a behaviour between interim looks inside a window: every this many events each categorical,
    /// conditional and numeric feature not already alerting is tested on its window so far, at a share of
    /// the false-alarm budget, so strong evidence alerts within tens of events instead of at the window's
    /// end. 0 turns the looks off (tests run at window close only). Default 25.
    /// </summary>
    public int InterimLookEvery { get; set; } = 25;

    /// <summary>Interim looks per window under these settings (0 when they are off).</summary>
    internal int InterimLooksPerWindow => InterimLookEvery > 0 ? (CurrentWindowSize - 1) / InterimLookEvery : 0;

    /// <summary>CUSUM allowance k, in standard-normal units per window. Default 1.0.</summary>
    public double CusumDrift { get; set; } = 1.0;

    /// <summary>
    /// Windows in a row that a feature must stay below all its thresholds before its alert episode ends
    /// and it can alert again. Default 4.
    /// </summary>
    public int RearmAfterQuietWindows { get; set; } = 4;

    /// <summary>Distinct values tracked per categorical feature; the rest share an "(other)" bucket. Default 32.</summary>
    public int MaxCategories { get; set; } = 32;

    /// <summary>Input-feature values per key that get their own conditional outcome feature. Default 16.</summary>
    public int MaxSegmentsPerInputFeature { get; set; } = 16;

    /// <summary>Keys tracked per family (input features, labels, metrics) per behaviour. Default 32.</summary>
    public int MaxKeysPerFamily { get; set; } = 32;

    /// <summary>Buckets of the hashed n-gram text sketch. Default 256.</summary>
    public int TextSketchBuckets { get; set; } = 256;

    /// <summary>Points of the quantile summary that stands for a numeric reference. Default 128.</summary>
    public int NumericReferencePoints { get; set; } = 128;

    /// <summary>Number of moved values reported per alert. Default 3.</summary>
    public int TopShifts { get; set; } = 3;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Require(ReferenceSize >= 200, nameof(ReferenceSize), ReferenceSize, "must be at least 200 events");
        Require(CurrentWindowSize >= 20, nameof(CurrentWindowSize), CurrentWindowSize, "must be at least 20 events");
        Require(CurrentWindowSize <= ReferenceSize / 2, nameof(CurrentWindowSize), CurrentWindowSize, "must be at most half of ReferenceSize");
        Require(CurrentWindowDuration is null || CurrentWindowDuration > TimeSpan.Zero, nameof(CurrentWindowDuration), CurrentWindowDuration, "must be positive or null");
        Require(TargetEventsBetweenFalseAlarms >= 10 * CurrentWindowSize, nameof(TargetEventsBetweenFalseAlarms), TargetEventsBetweenFalseAlarms, "must be at least ten windows");
        Require(MinWindowObservations >= 5, nameof(MinWindowObservations), MinWindowObservations, "must be at least 5");
        Require(MinReferenceObservations >= 20, nameof(MinReferenceObservations), MinReferenceObservations, "must be at least 20");
        Require(MinJensenShannonEffect is >= 0 and < 1, nameof(MinJensenShannonEffect), MinJensenShannonEffect, "must be in [0, 1)");
        Require(MinWassersteinEffect >= 0, nameof(MinWassersteinEffect), MinWassersteinEffect, "must be non-negative");
        Require(InterimLookEvery == 0 || (InterimLookEvery >= 5 && InterimLookEvery <= CurrentWindowSize / 2), nameof(InterimLookEvery), InterimLookEvery, "must be 0 (off) or between 5 and half of CurrentWindowSize");
        Require(CusumDrift > 0, nameof(CusumDrift), CusumDrift, "must be positive");
        Require(RearmAfterQuietWindows >= 1, nameof(RearmAfterQuietWindows), RearmAfterQuietWindows, "must be at least 1");
        Require(MaxCategories is >= 2 and <= 1024, nameof(MaxCategories), MaxCategories, "must be in [2, 1024]");
        Require(MaxSegmentsPerInputFeature is >= 0 and <= 256, nameof(MaxSegmentsPerInputFeature), MaxSegmentsPerInputFeature, "must be in [0, 256]");
        Require(MaxKeysPerFamily is >= 1 and <= 256, nameof(MaxKeysPerFamily), MaxKeysPerFamily, "must be in [1, 256]");
        Require(TextSketchBuckets is >= 16 and <= 4096, nameof(TextSketchBuckets), TextSketchBuckets, "must be in [16, 4096]");
        Require(NumericReferencePoints is >= 16 and <= 4096, nameof(NumericReferencePoints), NumericReferencePoints, "must be in [16, 4096]");
        Require(TopShifts is >= 1 and <= 20, nameof(TopShifts), TopShifts, "must be in [1, 20]");
    }

    private static void Require(bool condition, string setting, object? value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(setting, value, $"DriftMonitorOptions.{setting} {rule}.");
        }
    }
}
