using Confluent.Kafka;
using DriftWatch.Api.Audit;
using DriftWatch.Api.Metrics;
using DriftWatch.Api.Rollback;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Api.Hosting;

/// <summary>The running DriftWatch HTTP API. Built by <see cref="DriftWatchApiBuilder"/>.</summary>
public sealed partial class DriftWatchApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Readiness _readiness;
    private readonly RollbackCoordinator? _coordinator;
    private readonly AuditLog? _audit;
    private readonly IProducer<string, byte[]>? _producer;
    private readonly HttpClient? _http;
    private readonly ILogger _logger;
    private int _started;

    internal DriftWatchApiHost(
        WebApplication app,
        Readiness readiness,
        RollbackCoordinator? coordinator,
        AuditLog? audit,
        DriftMetrics metrics,
        IProducer<string, byte[]>? producer,
        HttpClient? http,
        ILogger logger)
    {
        _app = app;
        _readiness = readiness;
        _coordinator = coordinator;
        _audit = audit;
        Metrics = metrics;
        _producer = producer;
        _http = http;
        _logger = logger;
    }

    /// <summary>The registry served on <c>/metrics</c>.</summary>
    public DriftMetrics Metrics { get; }

    /// <summary>
    /// Full path of the JSONL audit file (read it with <see cref="AuditTrailReader"/>); empty when the host serves
    /// no webhooks (<see cref="DriftWatchApiBuilder.WithoutWebhooks"/>).
    /// </summary>
    public string AuditFilePath => _audit?.Path ?? string.Empty;

    /// <summary>The address the server listens on, with the real port when port 0 was configured. Set by <see cref="StartAsync"/>.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Reloads the handled alert keys from the audit trail, then starts listening.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The DriftWatch API host was already started.");
        }

        if (_coordinator is not null)
        {
            await _coordinator.LoadAsync(cancellationToken);
        }

        await _app.StartAsync(cancellationToken);
        Address = new Uri(_app.Urls.First());
        _readiness.MarkReady();
        LogListening(Address);
    }

    /// <summary>Stops accepting requests and lets those in flight finish.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _readiness.MarkStopping();
        if (Volatile.Read(ref _started) != 0)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    /// <summary>Starts, serves until <paramref name="cancellationToken"/> is cancelled, then stops.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown requested.
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await StopAsync(grace.Token);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await StopAsync(grace.Token);
        }

        await _app.DisposeAsync();
        if (_producer is not null)
        {
            _producer.Flush(TimeSpan.FromSeconds(5));
            _producer.Dispose();
        }

        _coordinator?.Dispose();
        _http?.Dispose();
        if (_audit is not null)
        {
            await _audit.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "DriftWatch API listening on {Address}")]
    private partial void LogListening(Uri address);
}
