using DriftWatch.Core.Resilience;

namespace DriftWatch.Service.Pipeline;

/// <summary>
/// The <c>Resilience</c> section: the one retry level of each stage that writes (rollback delivery has its own,
/// under <c>Api:Rollback</c>). Defaults retry without limit, so an outage holds the stream, uncommitted, until
/// it ends; a bounded <see cref="RetryOptions.MaxRetryAttempts"/> stops the stream instead once spent.
/// </summary>
public sealed class ResilienceOptions
{
    /// <summary>Result sinks (alerts topic, InfluxDB, metrics), the event recording and the state changelog.</summary>
    public RetryOptions Sinks { get; set; } = new();

    /// <summary>The dead-letter producer, for passing failures (broker down, timeouts); refusals are not retried.</summary>
    public RetryOptions DeadLetters { get; set; } = new();

    /// <summary>Throws when a setting is out of range; the message names it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        Sinks.Validate("Resilience:Sinks");
        DeadLetters.Validate("Resilience:DeadLetters");
    }
}
