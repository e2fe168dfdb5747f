using System.Runtime.ExceptionServices;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Metrics;
using DriftWatch.Api.Rollback;
using DriftWatch.Cli.Hosting.Health;
using DriftWatch.Service.Pipeline;
using DriftWatch.Service.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// The ingest pipeline as a hosted service, with the HTTP API started beside it on the same catalog and
/// metrics. Stopping the host drains the pipeline and commits; when the pipeline ends by itself (or fails)
/// the host stops too.
/// </summary>
internal sealed partial class DriftWatchService(
    DriftWatchComponents components,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(3);
    private readonly ILogger _logger = components.Loggers.CreateLogger("DriftWatch");
    private readonly TaskCompletionSource<RunningService> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time = components.Time;
    private readonly ILoggerFactory _loggers = components.Loggers;
    private readonly DriftMetrics _metrics = components.Metrics;

    /// <summary>Why the pipeline stopped, when it failed: rethrown to the command so it exits with the message.</summary>
    internal ExceptionDispatchInfo? Failure { get; private set; }

    /// <summary>The running API's address, once started; null while it is not (or disabled).</summary>
    internal Uri? ApiAddress { get; private set; }

    /// <summary>
    /// Completes once the pipeline is assembled and the API (when enabled) listens, so a caller such as
    /// <c>demo</c> can watch the very pipeline the host runs; faulted or cancelled when it never got there.
    /// </summary>
    internal Task<RunningService> Running => _running.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(components.Settings, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before the pipeline started.
        }
        catch (Exception ex)
        {
            Failure = ExceptionDispatchInfo.Capture(ex);
            _running.TrySetException(ex);
        }
        finally
        {
            _running.TrySetCanceled(CancellationToken.None);
            lifetime.StopApplication();
        }
    }

    private async Task RunAsync(DriftWatchSettings settings, CancellationToken cancellationToken)
    {
        // Pipeline:DetectionWorkers stacks, each owning the agents AgentShards gives it; one snapshot recorder,
        // incident directory, propagation map and alert path across them.
        var shards = await components.CreateDetectionShardsAsync(components.ServiceDetectionWorkers, cancellationToken).ConfigureAwait(false);
        var detection = shards[0];
        await using var recorder = components.CreateRecorder(shards);
        var sinks = components.CreateSinks(detection.Incidents?.Propagation);
        try
        {
            var pipeline = components.CreatePipeline(shards, sinks);
            LogDetectionWorkers(_logger, shards.Count);

            // Rollback plans read the detectors' agent histories, which are checkpointed with their state.
            var catalog = new MonitorBaselineCatalog([.. shards.Select(static s => s.Detector)], pipeline.LoadCheckpoint, () => pipeline.StateRestored);
            detection.PinInto(catalog);
            using var kafkaHealth = new KafkaHealthCheck(settings.Kafka, HealthCheckTimeout);
            using var influxHealth = ResultSinks.InfluxOptions(settings.Configuration) is { } influx ? new InfluxHealthCheck(influx.Url, HealthCheckTimeout) : null;
            using var otlp = OtlpIngestHosting.Create(settings, _loggers);
            var apiBuilder = DriftWatchServiceCollectionExtensions.ApiBuilder(settings)?.AddHealthCheck("kafka", kafkaHealth);
            if (otlp?.Receiver is { } receiver)
            {
                apiBuilder?.UseOtlpTraces(receiver);
            }

            if (influxHealth is not null)
            {
                apiBuilder?.AddHealthCheck("influxdb", influxHealth);
            }

            await using var api = apiBuilder?
                .UseMetrics(_metrics)
                .UseBaselineCatalog(catalog)
                .UseAlertTraces(components.Traces)
                .UseIncidents(detection.Incidents?.Directory ?? new Core.Incidents.IncidentDirectory())
                .UseLoggerFactory(_loggers)
                .UseTimeProvider(_time)
                .AddMeter(DriftWatchTelemetry.MeterName)
                .Build();
            if (api is null)
            {
                LogApiDisabled(_logger);
            }
            else
            {
                await api.StartAsync(cancellationToken).ConfigureAwait(false);
                ApiAddress = api.Address;
                if (DriftWatchServiceCollectionExtensions.ApiOptions(settings) is { } served && !DriftWatchServiceCollectionExtensions.ServesWebhooks(served))
                {
                    LogScrapeOnly(_logger, api.Address.ToString());
                }
                else
                {
                    LogApi(_logger, api.Address.ToString());
                }
            }

            _running.TrySetResult(new RunningService(pipeline, catalog, api?.Address, api?.AuditFilePath));

            using var statusStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var status = ReportStatusAsync(pipeline, statusStop.Token);
            var otlpKafka = otlp?.Bridge?.RunAsync(cancellationToken) ?? Task.CompletedTask;
            await pipeline.RunAsync(cancellationToken).ConfigureAwait(false);
            await statusStop.CancelAsync().ConfigureAwait(false);
            await status.ConfigureAwait(false);
            await otlpKafka.ConfigureAwait(false);
            if (api is not null)
            {
                await api.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var sink in sinks)
            {
                await sink.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task ReportStatusAsync(IngestPipeline pipeline, CancellationToken cancellationToken)
    {
        var last = 0L;
        using var timer = new PeriodicTimer(StatusInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var stats = pipeline.Statistics;
                var events = stats.Events;
                LogStatus(_logger, events, (events - last) / StatusInterval.TotalSeconds, pipeline.ConsumerLag, stats.DeadLettered, stats.Alerts.Count, stats.Committed, pipeline.AgentsInMemory, pipeline.RestoredAgents, pipeline.SkippedEvents, stats.Checkpoints);
                last = events;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "{Events} events ({Rate:F0}/s), lag {Lag}, {DeadLettered} dead-lettered, {Alerts} alerts, {Committed} committed; state: {Agents} agents in memory, {Restored} restored, {Skipped} events already applied, {Checkpoints} checkpoints")]
    private static partial void LogStatus(ILogger logger, long events, double rate, long lag, long deadLettered, int alerts, long committed, int agents, long restored, long skipped, long checkpoints);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Information, Message = "Detecting on {Workers} thread(s) (Pipeline:DetectionWorkers), agents spread by a stable hash of their id")]
    private static partial void LogDetectionWorkers(ILogger logger, int workers);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information, Message = "HTTP API listening on {Address} (webhooks, /metrics, /healthz, /readyz, /api/audit)")]
    private static partial void LogApi(ILogger logger, string address);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Information, Message = "HTTP API disabled: set Api:Url to serve /metrics, /metrics/otel, /healthz and /readyz, and Api:GrafanaHmacSecret or Api:BearerToken for the rollback webhook")]
    private static partial void LogApiDisabled(ILogger logger);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Information, Message = "HTTP API listening on {Address} with /metrics, /metrics/otel, /healthz and /readyz; rollback webhook and audit trail disabled: set Api:GrafanaHmacSecret or Api:BearerToken to enable them")]
    private static partial void LogScrapeOnly(ILogger logger, string address);
}

/// <summary>The pipeline the hosted service runs, its baseline catalog, and where its API listens (null when disabled).</summary>
internal sealed record RunningService(IngestPipeline Pipeline, MonitorBaselineCatalog Catalog, Uri? ApiAddress, string? AuditFilePath);
