namespace DriftWatch.Core.Snapshots;

/// <summary>
/// Size limits of a behavioural snapshot. Snapshots can only be merged or diffed with snapshots built with
/// the same limits (they are recorded in the snapshot).
/// </summary>
public sealed class SnapshotOptions
{
    /// <summary>Limits used when none are given.</summary>
    public static SnapshotOptions Default { get; } = new();

    /// <summary>Categories kept per categorical feature before the rest is folded into "(other)". Default 50.</summary>
    public int MaxCategoriesPerFeature { get; init; } = 50;

    /// <summary>Input-feature values kept as segments of the conditional outcome tables. Default 20.</summary>
    public int MaxSegmentsPerFeature { get; init; } = 20;

    /// <summary>Distinct keys kept per family (input.features, labels, metrics). Default 32.</summary>
    public int MaxKeysPerFamily { get; init; } = 32;

    /// <summary>agent_version and state_version values kept. Default 32.</summary>
    public int MaxVersions { get; init; } = 32;

    /// <summary>KLL accuracy parameter of the numeric sketches. Default 200 (about 1.3% rank error).</summary>
    public int SketchK { get; init; } = KllSketch.DefaultK;

    /// <summary>Hash buckets of the text n-gram profiles. Default 512.</summary>
    public int TextBuckets { get; init; } = 512;

    /// <summary>Frequent terms kept per text feature. Default 64.</summary>
    public int TopTerms { get; init; } = 64;

    /// <summary>
    /// Example decisions kept per segment (and for the whole behaviour), shown by diffs. Not a comparability
    /// limit: snapshots with other values still merge and diff. 0 keeps none. Default 3.
    /// </summary>
    public int ExemplarsPerSegment { get; init; } = 3;

    /// <summary>Throws with the name of the first setting out of range.</summary>
    public void Validate()
    {
        Require(MaxCategoriesPerFeature >= 2, nameof(MaxCategoriesPerFeature), "at least 2");
        Require(MaxSegmentsPerFeature >= 2, nameof(MaxSegmentsPerFeature), "at least 2");
        Require(MaxKeysPerFamily >= 1, nameof(MaxKeysPerFamily), "at least 1");
        Require(MaxVersions >= 2, nameof(MaxVersions), "at least 2");
        Require(SketchK is >= 8 and <= 65_536, nameof(SketchK), "between 8 and 65536");
        Require(TextBuckets is >= 16 and <= 65_536, nameof(TextBuckets), "between 16 and 65536");
        Require(TopTerms >= 1, nameof(TopTerms), "at least 1");
        Require(ExemplarsPerSegment is >= 0 and <= 20, nameof(ExemplarsPerSegment), "between 0 and 20");
    }

    internal bool SameLimits(SnapshotOptions other) =>
        MaxCategoriesPerFeature == other.MaxCategoriesPerFeature &&
        MaxSegmentsPerFeature == other.MaxSegmentsPerFeature &&
        MaxKeysPerFamily == other.MaxKeysPerFamily &&
        MaxVersions == other.MaxVersions &&
        SketchK == other.SketchK &&
        TextBuckets == other.TextBuckets &&
        TopTerms == other.TopTerms;

    private static void Require(bool ok, string setting, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"Snapshot setting {setting} must be {rule}.", setting);
        }
    }
}
