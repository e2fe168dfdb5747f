using DriftWatch.Api.Hosting;
using Microsoft.Extensions.Logging;
using DriftWatch.Core.Resilience;
using Polly;

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
        // The same builder as the sinks' and dead letters' retry levels; the attempt timeout stays inside the
        // attempt (AttemptTimeout), where it also bounds the producer's own message timeout.
        _pipeline = RetryPipeline.Build<AttemptResult>(
            new RetryOptions
            {
                MaxRetryAttempts = Math.Max(0, options.MaxAttempts - 1),
                BaseDelay = options.InitialBackoff,
                MaxDelay = options.MaxBackoff,
            },
            static (outcome, _) => outcome.Result.Outcome == AttemptOutcome.Transient,
            time,
            (attempt, outcome, delay) => LogRetrying(_path, attempt + 1, outcome.Result.Detail, delay));
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
