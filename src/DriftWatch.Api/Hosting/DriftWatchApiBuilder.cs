using Confluent.Kafka;
using DriftWatch.Api.Audit;
using DriftWatch.Api.Metrics;
using DriftWatch.Api.Rollback;
using DriftWatch.Api.Security;
using DriftWatch.Api.Webhooks;
using DriftWatch.Core.Results;
using DriftWatch.Otlp.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Api.Hosting;

/// <summary>
/// Builds the DriftWatch HTTP API: a Kestrel app serving the alert webhooks, <c>/healthz</c>, <c>/readyz</c>,
/// <c>/metrics</c> and <c>/api/audit</c>.
/// </summary>
/// <example>
/// <code>
/// await using var api = new DriftWatchApiBuilder(options).UseMetrics(metrics).UseBaselineCatalog(catalog).Build();
/// await api.StartAsync(cancellationToken);
/// </code>
/// </example>
public sealed class DriftWatchApiBuilder
{
    private readonly DriftWatchApiOptions _options;
    private DriftMetrics? _metrics;
    private IBaselineCatalog? _catalog;
    private Core.Incidents.IncidentDirectory? _incidents;
    private IRollbackExecutor? _executor;
    private TimeProvider _time = TimeProvider.System;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private Action<ProducerConfig>? _configureProducer;
    private OtlpHttpReceiver? _otlp;
    private readonly List<string> _meters = [];
    private bool _webhooks = true;
    private AlertTraceRegistry? _traces;
    private readonly List<(string Name, IHealthCheck Check, bool Live)> _checks = [];

    /// <summary>Starts a builder over validated-at-build options.</summary>
    public DriftWatchApiBuilder(DriftWatchApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>The registry <c>/metrics</c> exposes; the stream records into the same instance. Default: a new one.</summary>
    public DriftWatchApiBuilder UseMetrics(DriftMetrics metrics)
    {
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        return this;
    }

    /// <summary>Where rollback plans find the last good baseline. Default: an empty <see cref="InMemoryBaselineCatalog"/>.</summary>
    public DriftWatchApiBuilder UseBaselineCatalog(IBaselineCatalog catalog)
    {
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        return this;
    }

    /// <summary>
    /// Where the webhook finds the incident of a per-feature alert, so every alert of one incident shares one
    /// rollback (idempotency key = incident). Without it each alert episode is its own key.
    /// </summary>
    public DriftWatchApiBuilder UseIncidents(Core.Incidents.IncidentDirectory incidents)
    {
        _incidents = incidents ?? throw new ArgumentNullException(nameof(incidents));
        return this;
    }

    /// <summary>
    /// Replaces the delivery of rollback commands. Default: the Kafka control topic (when
    /// <see cref="RollbackOptions.KafkaBootstrapServers"/> is set) and the agent's runtime URL (when configured).
    /// </summary>
    public DriftWatchApiBuilder UseExecutor(IRollbackExecutor executor)
    {
        _executor = executor ?? throw new ArgumentNullException(nameof(executor));
        return this;
    }

    /// <summary>Clock for audit times, signature timestamps and retry delays. Default: the system clock.</summary>
    public DriftWatchApiBuilder UseTimeProvider(TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        return this;
    }

    /// <summary>Logging. Default: none.</summary>
    public DriftWatchApiBuilder UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        return this;
    }

    /// <summary>Extra producer settings (e.g. SASL) for the control and audit topics.</summary>
    public DriftWatchApiBuilder ConfigureKafkaProducer(Action<ProducerConfig> configure)
    {
        _configureProducer = configure ?? throw new ArgumentNullException(nameof(configure));
        return this;
    }

    /// <summary>
    /// Serves OTLP/HTTP traces on <c>POST /v1/traces</c> with <paramref name="receiver"/> (docs/contracts.md,
    /// "OpenTelemetry spans"). Default: not served.
    /// </summary>
    public DriftWatchApiBuilder UseOtlpTraces(OtlpHttpReceiver receiver)
    {
        _otlp = receiver ?? throw new ArgumentNullException(nameof(receiver));
        return this;
    }

    /// <summary>
    /// A <see cref="System.Diagnostics.Metrics.Meter"/> whose instruments the OpenTelemetry SDK exports on
    /// <c>/metrics/otel</c> (and by OTLP when <see cref="DriftWatchApiOptions.OtlpEndpoint"/> is set), beside the
    /// <c>driftwatch_*</c> gauges of <c>/metrics</c>. ASP.NET Core's own HTTP server meters are always exported.
    /// </summary>
    public DriftWatchApiBuilder AddMeter(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _meters.Add(name);
        return this;
    }

    /// <summary>
    /// A health check served on <c>/readyz</c> (the dependencies this instance needs to do its work, such as
    /// Kafka and InfluxDB) or, with <paramref name="liveness"/>, on <c>/healthz</c> too (whether the process should
    /// be restarted). The caller owns <paramref name="check"/>.
    /// </summary>
    public DriftWatchApiBuilder AddHealthCheck(string name, IHealthCheck check, bool liveness = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(check);
        _checks.Add((name, check, liveness));
        return this;
    }

    /// <summary>
    /// Where the webhook finds the trace of the alert it acts on (filled by the alert sink), so the rollback
    /// command continues the trace of the agent event that raised the alert. Default: none (a new trace).
    /// </summary>
    public DriftWatchApiBuilder UseAlertTraces(AlertTraceRegistry traces)
    {
        _traces = traces ?? throw new ArgumentNullException(nameof(traces));
        return this;
    }

    /// <summary>
    /// Serves <c>/metrics</c>, <c>/metrics/otel</c>, <c>/healthz</c> and <c>/readyz</c> only: no webhook, no audit
    /// trail and no rollback delivery, so no webhook authentication is needed. For an operator who sets
    /// <c>Api:Url</c> to scrape the service but lets another system act on alerts.
    /// </summary>
    public DriftWatchApiBuilder WithoutWebhooks()
    {
        _webhooks = false;
        return this;
    }

    /// <summary>Validates the options, opens the audit file and builds the (not yet started) host.</summary>
    /// <exception cref="InvalidOperationException">A setting is invalid; the message names it.</exception>
    public DriftWatchApiHost Build()
    {
        var errors = _webhooks ? _options.Validate() : _options.ValidateListener();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid DriftWatch API settings: " + string.Join(" ", errors));
        }

        var rollback = _options.Rollback;
        var metrics = _metrics ?? new DriftMetrics();
        var catalog = _catalog ?? new InMemoryBaselineCatalog();
        var logger = _loggerFactory.CreateLogger("DriftWatch.Api");
        if (!_webhooks)
        {
            var scrapeOnly = BuildApp(webhook: null, metrics, audit: null, out var scrapeReadiness);
            return new DriftWatchApiHost(scrapeOnly, scrapeReadiness, coordinator: null, audit: null, metrics, producer: null, http: null, logger);
        }

        IProducer<string, byte[]>? producer = null;
        if (rollback.KafkaEnabled)
        {
            producer = new ProducerBuilder<string, byte[]>(CreateProducerConfig()).Build();
        }

        var sinks = new List<IAuditSink>();
        if (producer is not null && !string.IsNullOrWhiteSpace(rollback.AuditTopic))
        {
            sinks.Add(new KafkaAuditSink(producer, rollback.AuditTopic, _loggerFactory.CreateLogger("DriftWatch.Api.Audit")));
        }

        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
        var executor = _executor ?? new CompositeRollbackExecutor(
            producer is null ? null : new KafkaControlExecutor(producer, rollback, _time, _loggerFactory.CreateLogger("DriftWatch.Api.Rollback")),
            new HttpRuntimeExecutor(http, rollback, _time, _loggerFactory.CreateLogger("DriftWatch.Api.Rollback")));

        var audit = AuditLog.Open(rollback.AuditFilePath, sinks, _loggerFactory.CreateLogger("DriftWatch.Api.Audit"));
        var coordinator = new RollbackCoordinator(
            rollback,
            new RollbackPlanner(catalog, _time, _incidents),
            executor,
            audit,
            metrics,
            _time,
            _loggerFactory.CreateLogger("DriftWatch.Api.Rollback"),
            _traces)
        {
            Incidents = _incidents,
        };
        var webhook = new WebhookEndpoint(
            _options,
            new WebhookAuthenticator(_options, _time),
            coordinator,
            metrics,
            _loggerFactory.CreateLogger("DriftWatch.Api.Webhooks"));

        var auditEndpoint = new AuditEndpoint(audit.Path, _options.AuditPageSize, new BearerToken(_options.AuditBearerToken ?? _options.BearerToken));
        var app = BuildApp(webhook, metrics, auditEndpoint, out var readiness);
        return new DriftWatchApiHost(app, readiness, coordinator, audit, metrics, producer, http, logger);
    }

    /// <summary>
    /// The settings of the control and audit producer: DriftWatch's delivery guarantees first, then the shared
    /// Kafka client settings (<see cref="ConfigureKafkaProducer"/>), so security settings reach this producer too.
    /// </summary>
    internal ProducerConfig CreateProducerConfig() => CreateProducerConfig(_options.Rollback, _configureProducer);

    /// <inheritdoc cref="CreateProducerConfig()"/>
    internal static ProducerConfig CreateProducerConfig(RollbackOptions rollback, Action<ProducerConfig>? configure)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = rollback.KafkaBootstrapServers,
            ClientId = "driftwatch-api",
            EnableIdempotence = true,
            Acks = Acks.All,
            // librdkafka gives up on a message when an attempt does, so a retried command is not also
            // still queued from the attempt before.
            MessageTimeoutMs = (int)Math.Min(int.MaxValue, rollback.AttemptTimeout.TotalMilliseconds),
        };
        configure?.Invoke(config);
        return config;
    }

    private WebApplication BuildApp(WebhookEndpoint? webhook, DriftMetrics metrics, AuditEndpoint? audit, out Readiness readiness)
    {
        // The empty builder reads no environment variables or appsettings: the options are the only configuration.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "DriftWatch.Api" });
        builder.WebHost.UseKestrelCore().UseUrls(_options.Url);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = _options.MaxRequestBodyBytes;
        });
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddRoutingCore();
        OpenTelemetrySetup.AddMetrics(builder.Services, _options, _meters);
        var ready = new Readiness();
        readiness = ready;
        var health = builder.Services.AddHealthChecks()
            .AddCheck("api", () => ready.IsReady ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("starting"), [HealthEndpoints.Ready]);
        foreach (var (name, check, live) in _checks)
        {
            health.Add(new HealthCheckRegistration(name, _ => check, failureStatus: null, live ? [HealthEndpoints.Live, HealthEndpoints.Ready] : [HealthEndpoints.Ready]));
        }

        var app = builder.Build();
        var metricsToken = _options.MetricsBearerToken is { Length: > 0 } t ? new BearerToken(t) : null;

        if (webhook is not null)
        {
            app.MapPost("/webhooks/grafana", context => webhook.HandleAsync(context, AlertSource.Grafana));
            app.MapPost("/webhooks/alertmanager", context => webhook.HandleAsync(context, AlertSource.Alertmanager));
        }

        if (_otlp is { } otlp)
        {
            app.MapPost(OtlpHttpReceiver.Path, otlp.HandleAsync);
        }

        app.MapHealthChecks("/healthz", HealthEndpoints.Options(HealthEndpoints.Live));
        app.MapHealthChecks("/readyz", HealthEndpoints.Options(HealthEndpoints.Ready));
        app.UseWhen(
            static context => context.Request.Path.StartsWithSegments(OpenTelemetrySetup.ScrapePath, StringComparison.Ordinal),
            branch => branch.Use((context, next) => Refuse(context, metricsToken) ?? next(context)));
        app.MapPrometheusScrapingEndpoint(OpenTelemetrySetup.ScrapePath);
        app.MapGet("/metrics", context =>
        {
            if (metricsToken?.Check(context.Request.Headers) is { } refused)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return context.Response.WriteAsync(refused + "\n", context.RequestAborted);
            }

            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            return context.Response.WriteAsync(metrics.ToPrometheusText(), context.RequestAborted);
        });
        if (audit is not null)
        {
            app.MapGet("/api/audit", audit.HandleAsync);
        }

        return app;
    }

    private static Task? Refuse(HttpContext context, BearerToken? token)
    {
        if (token?.Check(context.Request.Headers) is not { } refused)
        {
            return null;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return context.Response.WriteAsync(refused + "\n", context.RequestAborted);
    }
}

/// <summary>Set once the dedupe keys are loaded and the server listens.</summary>
internal sealed class Readiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;

    public void MarkStopping() => _ready = false;
}
