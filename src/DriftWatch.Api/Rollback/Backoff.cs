namespace DriftWatch.Api.Rollback;

/// <summary>Retries with exponential backoff: InitialBackoff, x2 each attempt, capped at MaxBackoff.</summary>
internal static class Backoff
{
    public static TimeSpan DelayBefore(int retry, TimeSpan initial, TimeSpan max)
    {
        var factor = Math.Pow(2, Math.Min(retry - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(initial.Ticks * factor, max.Ticks));
        return delay;
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> until it reports success, a permanent failure, or attempts run out.
    /// The attempt returns (done, detail): done=true ends the loop with success or permanent failure.
    /// </summary>
    public static async Task<(bool Succeeded, string Detail, int Attempts)> RunAsync(
        Func<CancellationToken, Task<AttemptResult>> attempt,
        int maxAttempts,
        TimeSpan initial,
        TimeSpan max,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var detail = "not attempted";
        for (var n = 1; n <= maxAttempts; n++)
        {
            if (n > 1)
            {
                await Task.Delay(DelayBefore(n - 1, initial, max), time, cancellationToken);
            }

            var result = await attempt(cancellationToken);
            detail = result.Detail;
            if (result.Outcome == AttemptOutcome.Succeeded)
            {
                return (true, detail, n);
            }

            if (result.Outcome == AttemptOutcome.Permanent)
            {
                return (false, detail, n);
            }
        }

        return (false, detail, maxAttempts);
    }
}

internal enum AttemptOutcome
{
    Succeeded,
    Transient,
    Permanent,
}

internal readonly record struct AttemptResult(AttemptOutcome Outcome, string Detail);
