namespace DriftWatch.Ml;

/// <summary>
/// Settings of <see cref="MlDriftMonitor"/>: which ML detectors run on each closed window and how their
/// false alarms are budgeted. Windows and the reference follow the wrapped monitor's
/// <see cref="Core.Detection.DriftMonitorOptions"/> (ReferenceSize, CurrentWindowSize, CurrentWindowDuration).
/// </summary>
public sealed class MlDetectionOptions
{
    /// <summary>
    /// Expected number of events of one behaviour between false alarms of the ML detectors together, split
    /// evenly (Bonferroni) over the ML tests that run. Default 100,000, as for the statistical detectors.
    /// </summary>
    public double TargetEventsBetweenFalseAlarms { get; set; } = 100_000;

    /// <summary>
    /// Windows in a row that an ML detector must stay below its threshold before its alert episode ends and
    /// it can alert again. Default 4.
    /// </summary>
    public int RearmAfterQuietWindows { get; set; } = 4;

    /// <summary>Seed of every random choice (samples, splits, PCA, permutations); same seed, same results. Default 20260302.</summary>
    public int Seed { get; set; } = 20260302;

    /// <summary>Text drift by a reference-vs-window domain classifier (on by default).</summary>
    public DomainClassifierOptions DomainClassifier { get; set; } = new();

    /// <summary>Multivariate window anomaly by randomized PCA (on by default).</summary>
    public PcaAnomalyOptions PcaAnomaly { get; set; } = new();

    /// <summary>MiniLM sentence-embedding drift of output texts (off by default: it costs a model load and CPU).</summary>
    public EmbeddingOptions Embeddings { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Require(TargetEventsBetweenFalseAlarms >= 1000 && double.IsFinite(TargetEventsBetweenFalseAlarms), nameof(TargetEventsBetweenFalseAlarms), TargetEventsBetweenFalseAlarms, "must be a finite number of at least 1,000 events");
        Require(RearmAfterQuietWindows >= 1, nameof(RearmAfterQuietWindows), RearmAfterQuietWindows, "must be at least 1");
        Require(DomainClassifier is not null, nameof(DomainClassifier), null, "must not be null");
        Require(PcaAnomaly is not null, nameof(PcaAnomaly), null, "must not be null");
        Require(Embeddings is not null, nameof(Embeddings), null, "must not be null");
        DomainClassifier!.Validate();
        PcaAnomaly!.Validate();
        Embeddings!.Validate();
    }

    internal static void Require(bool condition, string setting, object? value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(setting, value, $"MlDetectionOptions.{setting} {rule}.");
        }
    }
}
