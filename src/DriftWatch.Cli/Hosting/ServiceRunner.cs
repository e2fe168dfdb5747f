using DriftWatch.Core.Results;
using DriftWatch.Kafka.Producing;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Cli.Hosting;

/// <summary>Builds the service from settings and runs it until cancelled, logging progress.</summary>
internal static partial class ServiceRunner
{
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(10);

    internal static async Task<int> RunAsync(DriftWatchSettings settings, CancellationToken cancellationToken)
    {
        settings.Kafka.Validate();
        settings.Pipeline.Validate();
        using var loggers = Logging.Create(settings.LogLevel);
        var logger = loggers.CreateLogger("DriftWatch");
        var sinks = ResultSinks.Create(settings, loggers);
        try
        {
            var pipeline = new IngestPipeline(
                settings.Kafka,
                settings.Pipeline,
                Detection.CreateMonitor(settings),
                sinks,
                loggers,
                TimeProvider.System);
            using var statusStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var status = ReportStatusAsync(pipeline, logger, statusStop.Token);
            await pipeline.RunAsync(cancellationToken).ConfigureAwait(false);
            await statusStop.CancelAsync().ConfigureAwait(false);
            await status.ConfigureAwait(false);
            return 0;
        }
        finally
        {
            foreach (var sink in sinks)
            {
                await sink.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task ReportStatusAsync(IngestPipeline pipeline, ILogger logger, CancellationToken cancellationToken)
    {
        var last = 0L;
        using var timer = new PeriodicTimer(StatusInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var stats = pipeline.Statistics;
                var events = stats.Events;
                LogStatus(logger, events, (events - last) / StatusInterval.TotalSeconds, pipeline.ConsumerLag, stats.DeadLettered, stats.Alerts.Count, stats.Committed);
                last = events;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{Events} events ({Rate:F0}/s), lag {Lag}, {DeadLettered} dead-lettered, {Alerts} alerts, {Committed} committed")]
    private static partial void LogStatus(ILogger logger, long events, double rate, long lag, long deadLettered, int alerts, long committed);
}
