namespace DriftWatch.Core.Snapshots;

/// <summary>When a difference between two snapshots counts as a change.</summary>
public sealed class DiffOptions
{
    /// <summary>Defaults.</summary>
    public static DiffOptions Default { get; } = new();

    /// <summary>
    /// Family-wise false-alarm probability over all features compared (Bonferroni-corrected per feature).
    /// Default 0.001.
    /// </summary>
    public double Alpha { get; init; } = 0.001;

    /// <summary>
    /// Smallest distance reported as a change: with large samples tiny differences are significant but not
    /// interesting. Default 0.05.
    /// </summary>
    public double MinDistance { get; init; } = 0.05;

    /// <summary>Fewest observations on each side for a feature or segment to be tested. Default 30.</summary>
    public long MinCount { get; init; } = 30;

    /// <summary>Values listed per change. Default 5.</summary>
    public int TopShifts { get; init; } = 5;

    /// <summary>Throws with the name of the first setting out of range.</summary>
    public void Validate()
    {
        if (Alpha is <= 0 or >= 1)
        {
            throw new ArgumentException($"Diff setting {nameof(Alpha)} must be in (0, 1).", nameof(Alpha));
        }

        if (MinDistance is < 0 or > 1)
        {
            throw new ArgumentException($"Diff setting {nameof(MinDistance)} must be in [0, 1].", nameof(MinDistance));
        }

        if (MinCount < 1)
        {
            throw new ArgumentException($"Diff setting {nameof(MinCount)} must be at least 1.", nameof(MinCount));
        }

        if (TopShifts < 1)
        {
            throw new ArgumentException($"Diff setting {nameof(TopShifts)} must be at least 1.", nameof(TopShifts));
        }
    }
}
