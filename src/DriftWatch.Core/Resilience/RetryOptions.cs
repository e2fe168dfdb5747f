namespace DriftWatch.Core.Resilience;

/// <summary>
/// One retry level, as a settings section (<c>Resilience:Sinks</c>, <c>Resilience:DeadLetters</c>): how often and
/// how long a failed write is tried again, with exponential backoff from <see cref="BaseDelay"/> capped at
/// <see cref="MaxDelay"/>, and how long one attempt may take.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Retries after the first attempt. Default: unlimited (<see cref="int.MaxValue"/>), so an outage holds the stream rather than ending it.</summary>
    public int MaxRetryAttempts { get; set; } = int.MaxValue;

    /// <summary>Delay before the first retry; it doubles on each further one. Default 200 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between retries. Default 10 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest one attempt may take before it counts as failed (and is retried). Default: none (zero).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.Zero;

    /// <summary>Throws when a setting is out of range; the message names it under <paramref name="section"/>.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate(string section)
    {
        if (MaxRetryAttempts < 0)
        {
            throw new ArgumentException($"{section}:MaxRetryAttempts must not be negative, got {MaxRetryAttempts}.");
        }

        // Polly accepts delays up to a day.
        if (BaseDelay <= TimeSpan.Zero || BaseDelay > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"{section}:BaseDelay must be positive and at most a day, got {BaseDelay}.");
        }

        if (MaxDelay < BaseDelay || MaxDelay > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"{section}:MaxDelay must be at least {section}:BaseDelay and at most a day, got {MaxDelay}.");
        }

        if (Timeout < TimeSpan.Zero || Timeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"{section}:Timeout must be zero (none) or positive and at most a day, got {Timeout}.");
        }
    }
}
