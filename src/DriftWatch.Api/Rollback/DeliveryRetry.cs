using DriftWatch.Api.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace DriftWatch.Api.Rollback;

/// <summary>What one delivery attempt achieved.</summary>
internal enum AttemptOutcome
{
    Succeeded,
    Transient,
    Permanent,
}

internal readonly record struct AttemptResult(AttemptOutcome Outcome, string Detail);

/// <summary>
/// The one retry level of rollback delivery, built from <see cref="RollbackOptions"/>: up to
/// <see cref="RollbackOptions.MaxAttempts"/> attempts, exponential delay from
/// <see cref="RollbackOptions.InitialBackoff"/> capped at <see cref="RollbackOptions.MaxBackoff"/>. Only
/// transient outcomes are retried; a refusal by the runtime ends the delivery at once.
/// </summary>
internal sealed partial class DeliveryRetry
{
    private readonly ResiliencePipeline<AttemptResult> _pipeline;
    private readonly ILogger _logger;
    private readonly string _path;

    public DeliveryRetry(RollbackOptions options, TimeProvider time, ILogger logger, string path)
    {
        _logger = logger;
        _path = path;
        var builder = new ResiliencePipelineBuilder<AttemptResult> { TimeProvider = time };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<AttemptResult>
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result.Outcome == AttemptOutcome.Transient),
                MaxRetryAttempts = options.MaxAttempts - 1,
                Delay = options.InitialBackoff,
                MaxDelay = options.MaxBackoff,
                BackoffType = DelayBackoffType.Exponential,
                // Deliveries of different agents do not compete for one runtime, so there is no herd to spread.
                UseJitter = false,
                OnRetry = args =>
                {
                    LogRetrying(_path, args.AttemptNumber + 1, args.Outcome.Result.Detail, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        _pipeline = builder.Build();
    }

    /// <summary>Runs <paramref name="attempt"/> until success, a permanent failure or the last attempt.</summary>
    public async Task<(bool Succeeded, string Detail, int Attempts)> RunAsync(
        Func<CancellationToken, Task<AttemptResult>> attempt,
        CancellationToken cancellationToken)
    {
        var attempts = 0;
        var result = await _pipeline.ExecuteAsync(
            async ct =>
            {
                Interlocked.Increment(ref attempts);
                return await attempt(ct);
            },
            cancellationToken);
        return (result.Outcome == AttemptOutcome.Succeeded, result.Detail, attempts);
    }

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Rollback delivery by {Path}: attempt {Attempt} failed ({Detail}); retrying in {Delay}")]
    private partial void LogRetrying(string path, int attempt, string detail, TimeSpan delay);
}
