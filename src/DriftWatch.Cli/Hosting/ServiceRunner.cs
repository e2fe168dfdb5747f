using DriftWatch.Api.Hosting;
using DriftWatch.Api.Metrics;
using DriftWatch.Api.Rollback;
using DriftWatch.Core.Results;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Configuration;
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
        var metrics = new DriftMetrics();
        var catalog = new InMemoryBaselineCatalog();
        var detection = await Detection.CreateMonitorAsync(settings, cancellationToken).ConfigureAwait(false);
        await using var recorder = SnapshotRecording.Create(settings, detection, loggers);
        var monitor = new CatalogFeedingMonitor(recorder ?? detection, catalog);
        var sinks = ResultSinks.Create(settings, loggers);
        sinks.Add(new MetricsResultSink(metrics));
        using var otlp = OtlpIngestHosting.Create(settings, loggers);
        await using var api = BuildApi(settings, metrics, catalog, loggers, logger, otlp);
        try
        {
            if (api is not null)
            {
                await api.StartAsync(cancellationToken).ConfigureAwait(false);
                LogApi(logger, api.Address.ToString());
            }

            var pipeline = new IngestPipeline(settings.Kafka, settings.Pipeline, monitor, sinks, loggers, TimeProvider.System);
            using var statusStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var status = ReportStatusAsync(pipeline, logger, statusStop.Token);
            var otlpKafka = otlp?.Bridge?.RunAsync(cancellationToken) ?? Task.CompletedTask;
            await pipeline.RunAsync(cancellationToken).ConfigureAwait(false);
            await statusStop.CancelAsync().ConfigureAwait(false);
            await status.ConfigureAwait(false);
            await otlpKafka.ConfigureAwait(false);
            if (api is not null)
            {
                await api.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

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

    /// <summary>
    /// The HTTP API (webhooks, /metrics, health, audit) runs when the Api section names a way to
    /// authenticate webhook calls; an unauthenticated rollback endpoint is never started.
    /// </summary>
    private static DriftWatchApiHost? BuildApi(DriftWatchSettings settings, DriftMetrics metrics, InMemoryBaselineCatalog catalog, ILoggerFactory loggers, ILogger logger, OtlpIngestHosting? otlp)
    {
        var options = new DriftWatchApiOptions();
        settings.Configuration.GetSection("Api").Bind(options);
        if (string.IsNullOrEmpty(options.GrafanaHmacSecret) && string.IsNullOrEmpty(options.BearerToken))
        {
            LogApiDisabled(logger);
            return null;
        }

        options.Rollback.KafkaBootstrapServers ??= settings.Kafka.BootstrapServers;
        var builder = new DriftWatchApiBuilder(options)
            .UseMetrics(metrics)
            .UseBaselineCatalog(catalog)
            .UseLoggerFactory(loggers);
        if (otlp?.Receiver is { } receiver)
        {
            builder.UseOtlpTraces(receiver);
        }

        return builder.Build();
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

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "HTTP API listening on {Address} (webhooks, /metrics, /healthz, /readyz, /api/audit)")]
    private static partial void LogApi(ILogger logger, string address);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "HTTP API and rollback webhook disabled: set Api:GrafanaHmacSecret or Api:BearerToken to enable them")]
    private static partial void LogApiDisabled(ILogger logger);
}
