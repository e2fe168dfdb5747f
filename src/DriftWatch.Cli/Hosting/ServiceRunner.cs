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
        settings.State.Validate();
        var metrics = new DriftMetrics();
        var detection = await Detection.CreateAsync(settings, cancellationToken).ConfigureAwait(false);
        await using var recorder = SnapshotRecording.Create(settings, detection.Monitor, loggers);
        var sinks = ResultSinks.Create(settings, loggers);
        sinks.Add(new MetricsResultSink(metrics));
        var pipeline = new IngestPipeline(settings.Kafka, settings.Pipeline, recorder ?? detection.Monitor, sinks, loggers, TimeProvider.System, detection.Detector, settings.State);

        // Rollback plans read the detector's agent histories, which are checkpointed with its state.
        var catalog = new MonitorBaselineCatalog(detection.Detector, pipeline.LoadCheckpoint);
        detection.PinInto(catalog);
        using var otlp = OtlpIngestHosting.Create(settings, loggers);
        await using var api = BuildApi(settings, metrics, catalog, loggers, logger, otlp);
        try
        {
            if (api is not null)
            {
                await api.StartAsync(cancellationToken).ConfigureAwait(false);
                LogApi(logger, api.Address.ToString());
            }

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
    private static DriftWatchApiHost? BuildApi(DriftWatchSettings settings, DriftMetrics metrics, IBaselineCatalog catalog, ILoggerFactory loggers, ILogger logger, OtlpIngestHosting? otlp)
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
                LogStatus(logger, events, (events - last) / StatusInterval.TotalSeconds, pipeline.ConsumerLag, stats.DeadLettered, stats.Alerts.Count, stats.Committed, pipeline.AgentsInMemory, pipeline.RestoredAgents, pipeline.SkippedEvents, stats.Checkpoints);
                last = events;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{Events} events ({Rate:F0}/s), lag {Lag}, {DeadLettered} dead-lettered, {Alerts} alerts, {Committed} committed; state: {Agents} agents in memory, {Restored} restored, {Skipped} events already applied, {Checkpoints} checkpoints")]
    private static partial void LogStatus(ILogger logger, long events, double rate, long lag, long deadLettered, int alerts, long committed, int agents, long restored, long skipped, long checkpoints);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "HTTP API listening on {Address} (webhooks, /metrics, /healthz, /readyz, /api/audit)")]
    private static partial void LogApi(ILogger logger, string address);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "HTTP API and rollback webhook disabled: set Api:GrafanaHmacSecret or Api:BearerToken to enable them")]
    private static partial void LogApiDisabled(ILogger logger);
}
