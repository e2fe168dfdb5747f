namespace DriftWatch.Core.Snapshots;

/// <summary>How state changes are weighed as causes of a drift.</summary>
public sealed class AttributionOptions
{
    /// <summary>Defaults.</summary>
    public static AttributionOptions Default { get; } = new();

    /// <summary>
    /// Time constant of the closeness score: a change this long before the onset scores 1/e of one made at
    /// the onset. Null (default) uses a quarter of the span from the last good snapshot to the onset, at least
    /// one minute, so the score adapts to how long the agent ran before drifting.
    /// </summary>
    public TimeSpan? TimeScale { get; init; }

    /// <summary>
    /// Changes this long after the onset still count (onsets are estimated from windows, so a cause can
    /// appear to come slightly after its effect). Default 5 minutes.
    /// </summary>
    public TimeSpan GraceAfterOnset { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most keys a rollback plan reverts. Default 3.</summary>
    public int MaxKeysToRevert { get; init; } = 3;

    /// <summary>
    /// A key is reverted only when its score is at least this fraction of the best candidate's, so a clear
    /// culprit is reverted alone. Default 0.5.
    /// </summary>
    public double RevertScoreRatio { get; init; } = 0.5;

    /// <summary>Throws with the name of the first setting out of range.</summary>
    public void Validate()
    {
        if (TimeScale is { } scale && scale <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Attribution setting {nameof(TimeScale)} must be positive.", nameof(TimeScale));
        }

        if (GraceAfterOnset < TimeSpan.Zero)
        {
            throw new ArgumentException($"Attribution setting {nameof(GraceAfterOnset)} must not be negative.", nameof(GraceAfterOnset));
        }

        if (MaxKeysToRevert < 1)
        {
            throw new ArgumentException($"Attribution setting {nameof(MaxKeysToRevert)} must be at least 1.", nameof(MaxKeysToRevert));
        }

        if (RevertScoreRatio is < 0 or > 1)
        {
            throw new ArgumentException($"Attribution setting {nameof(RevertScoreRatio)} must be in [0, 1].", nameof(RevertScoreRatio));
        }
    }
}
