namespace DriftWatch.Core.Exemplars;

/// <summary>Example decisions kept per behaviour for alerts, incidents and diffs (configuration section <c>Exemplars</c>).</summary>
public sealed class ExemplarOptions
{
    /// <summary>Whether alerts and incidents carry exemplars. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Reference and recent exemplars kept per segment, each. Default 3.</summary>
    public int PerSegment { get; set; } = 3;

    /// <summary>
    /// Input segments (<c>key=value</c>) per behaviour that keep their own exemplars, the first seen; the others
    /// are shown from the whole behaviour. Default 16. Memory per behaviour is bounded by
    /// (MaxSegments + 1) × PerSegment × 3 exemplars of at most 2 × MaxTextLength characters.
    /// </summary>
    public int MaxSegments { get; set; } = 16;

    /// <summary>Characters kept of each input and output text (and of outcomes). Default 200.</summary>
    public int MaxTextLength { get; set; } = 200;

    /// <summary>
    /// Whether exemplars carry the events' input and output text (only when an event has it). False keeps ids,
    /// times and outcomes only, for deployments whose alert consumers must not see user text. Default true.
    /// </summary>
    public bool IncludeText { get; set; } = true;

    /// <summary>Every setting that shapes the kept exemplars, for the checkpoint fingerprint.</summary>
    internal string Fingerprint => FormattableString.Invariant($"{PerSegment};{MaxSegments};{MaxTextLength};{IncludeText}");

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (PerSegment is < 1 or > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(PerSegment), PerSegment, "Exemplars.PerSegment must be in [1, 20].");
        }

        if (MaxSegments is < 0 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSegments), MaxSegments, "Exemplars.MaxSegments must be in [0, 256].");
        }

        if (MaxTextLength is < 16 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTextLength), MaxTextLength, "Exemplars.MaxTextLength must be in [16, 4096].");
        }
    }
}
