namespace DriftWatch.Core.Detection;

/// <summary>
/// A behaviour's reference distributions, by contract feature name: what a pinned snapshot supplies to
/// <see cref="DriftMonitor.PinReference"/> and what <see cref="DriftMonitor.ExportReference"/> returns.
/// </summary>
public sealed class ReferenceProfile
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> NoCategories =
        new Dictionary<string, IReadOnlyDictionary<string, double>>();

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<double>> NoLists =
        new Dictionary<string, IReadOnlyList<double>>();

    private static readonly IReadOnlyDictionary<string, double> NoCounts = new Dictionary<string, double>();

    /// <summary>
    /// Value counts of categorical features, conditional outcome features
    /// (<c>decision.outcome|input.features.k=v</c>) included.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Categorical { get; init; } = NoCategories;

    /// <summary>A sample (or equally weighted quantile points) of each numeric feature.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Numeric { get; init; } = NoLists;

    /// <summary>
    /// Hashed n-gram bucket counts of each text feature; the length must equal
    /// <see cref="DriftMonitorOptions.TextSketchBuckets"/>.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Text { get; init; } = NoLists;

    /// <summary>
    /// Events each feature's reference stands for. Optional: when a feature is missing here its count
    /// total (or sample size) is used, which understates numeric references given as quantile points.
    /// </summary>
    public IReadOnlyDictionary<string, double> Observations { get; init; } = NoCounts;
}
