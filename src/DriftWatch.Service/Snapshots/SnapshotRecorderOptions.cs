namespace DriftWatch.Service.Snapshots;

/// <summary>Which behaviour snapshots the service records while it detects, and where they go.</summary>
public sealed class SnapshotRecorderOptions
{
    /// <summary>Whether the service records snapshots at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Directory of the local snapshot store. Default <c>.driftwatch/snapshots</c>.</summary>
    public string Directory { get; set; } = ".driftwatch/snapshots";

    /// <summary>
    /// Length of one periodic snapshot, in event time; periods are aligned on multiples of it since the Unix
    /// epoch, so replaying the same events gives the same snapshots. Default 1 hour.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Decisions in the reference snapshot: the first this many of each behaviour, matching the detector's
    /// reference window. Default 2000.
    /// </summary>
    public int ReferenceEvents { get; set; } = 2000;

    /// <summary>Snapshots waiting for the store before further ones are dropped (and counted). Default 256.</summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>Whether closed periods of two environments are compared and scored. Default true.</summary>
    public bool CompareEnvironments { get; set; } = true;

    /// <summary>The environment trusted as correct in the comparison. Default <c>production</c>.</summary>
    public string ReferenceEnvironment { get; set; } = "production";

    /// <summary>The environment compared against it. Default <c>staging</c>.</summary>
    public string CandidateEnvironment { get; set; } = "staging";

    /// <summary>Throws with the name of the first setting out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException($"Snapshots setting {nameof(Directory)} must not be empty.", nameof(Directory));
        }

        if (Interval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Snapshots setting {nameof(Interval)} must be positive.", nameof(Interval));
        }

        if (ReferenceEvents < 1)
        {
            throw new ArgumentException($"Snapshots setting {nameof(ReferenceEvents)} must be at least 1.", nameof(ReferenceEvents));
        }

        if (QueueCapacity < 1)
        {
            throw new ArgumentException($"Snapshots setting {nameof(QueueCapacity)} must be at least 1.", nameof(QueueCapacity));
        }

        if (string.IsNullOrWhiteSpace(ReferenceEnvironment))
        {
            throw new ArgumentException($"Snapshots setting {nameof(ReferenceEnvironment)} must not be empty.", nameof(ReferenceEnvironment));
        }

        if (string.IsNullOrWhiteSpace(CandidateEnvironment) ||
            string.Equals(CandidateEnvironment, ReferenceEnvironment, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Snapshots setting {nameof(CandidateEnvironment)} must be set and differ from {nameof(ReferenceEnvironment)}.",
                nameof(CandidateEnvironment));
        }
    }
}
