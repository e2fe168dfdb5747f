namespace DriftWatch.Kafka.Producing;

/// <summary>What became of one message sent to the dead-letter topic.</summary>
public enum DeadLetterOutcome
{
    /// <summary>The whole message is on the dead-letter topic.</summary>
    Published,

    /// <summary>The head of the message is on the dead-letter topic, with headers saying it was truncated.</summary>
    PublishedTruncated,

    /// <summary>
    /// The broker refused the dead letter for good (not for a passing reason); it was skipped so the stream
    /// goes on, and the caller records where the message was.
    /// </summary>
    Skipped,
}
