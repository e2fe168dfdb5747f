using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace DriftWatch.Core.Resilience;

/// <summary>
/// Builds the Polly pipeline of one retry level from <see cref="RetryOptions"/>: retry (exponential, no jitter)
/// around an optional per-attempt timeout. Sinks, dead letters and rollback delivery each build theirs here, so
/// the one retry level of each is declared the same way.
/// </summary>
public static class RetryPipeline
{
    /// <summary>
    /// A pipeline retrying the outcomes <paramref name="shouldRetry"/> accepts (given the execution's cancellation
    /// token); <paramref name="onRetry"/> hears each retry (attempt number from 0, outcome, delay).
    /// </summary>
    public static ResiliencePipeline<T> Build<T>(
        RetryOptions options,
        Func<Outcome<T>, CancellationToken, bool> shouldRetry,
        TimeProvider time,
        Action<int, Outcome<T>, TimeSpan>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(shouldRetry);
        ArgumentNullException.ThrowIfNull(time);
        var builder = new ResiliencePipelineBuilder<T> { TimeProvider = time };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<T>
            {
                ShouldHandle = args => ValueTask.FromResult(shouldRetry(args.Outcome, args.Context.CancellationToken)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                // One writer per stage: there is no herd of clients whose retries need spreading.
                UseJitter = false,
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.AttemptNumber, args.Outcome, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        if (options.Timeout > TimeSpan.Zero)
        {
            // Inside the retry: each attempt gets the whole timeout, and a timed-out attempt is retried.
            builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.Timeout });
        }

        return builder.Build();
    }

    /// <summary>True for an exception outcome that is not the caller's own cancellation: the usual "retry failures" rule.</summary>
    public static bool IsFailure<T>(Outcome<T> outcome, CancellationToken cancellationToken) =>
        outcome.Exception is { } error and not OutOfMemoryException && !(error is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
