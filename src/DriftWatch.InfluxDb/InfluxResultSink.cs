using System.Threading.Channels;
using DriftWatch.Core.Resilience;
using DriftWatch.Core.Results;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace DriftWatch.InfluxDb;

/// <summary>
/// Writes detection results to InfluxDB as points (schema in docs/influxdb.md).
/// <para>
/// <see cref="WriteAsync"/> returns once the server acknowledged every point of the batch. Batches from
/// concurrent callers are merged into requests of up to <see cref="InfluxSinkOptions.MaxBatchPoints"/> points
/// through a bounded buffer. A failed request is retried with capped exponential backoff until it succeeds
/// or every caller waiting on it cancelled: an outage holds the stream (and its Kafka offsets) back instead
/// of losing results, and the sink logs one line when it goes down and one when it recovers.
/// </para>
/// </summary>
public sealed partial class InfluxResultSink : IResultSink
{
    private readonly InfluxSinkOptions _options;
    private readonly IInfluxTransport _transport;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<Chunk> _buffer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writer;
    private readonly ResiliencePipeline<bool> _retry;
    private int _disposed;

    // Touched by the writer loop only.
    private bool _down;
    private DateTimeOffset _downSince;
    private int _failedAttempts;

    // _down as seen from other threads (IsDown).
    private int _downFlag;

    /// <summary>Creates a sink for the server and write mode in <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">A setting is not usable; the message names it.</exception>
    public InfluxResultSink(InfluxSinkOptions options, ILogger<InfluxResultSink>? logger = null, TimeProvider? timeProvider = null)
        : this(options, CreateTransport(Validated(options)), logger, timeProvider)
    {
    }

    internal InfluxResultSink(InfluxSinkOptions options, IInfluxTransport transport, ILogger? logger, TimeProvider? timeProvider)
    {
        _options = Validated(options);
        _transport = transport;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        // The sink's one retry level, built like every other (RetryPipeline): unlimited, since an outage must hold
        // the stream rather than lose results; the pipeline's Resilience:Sinks never sees a transient InfluxDB error.
        _retry = RetryPipeline.Build<bool>(
            new RetryOptions { BaseDelay = _options.InitialRetryDelay, MaxDelay = _options.MaxRetryDelay },
            RetryPipeline.IsFailure,
            _time,
            (_, outcome, delay) => MarkDown(outcome.Exception!, delay));
        _buffer = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(options.BufferCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <inheritdoc />
    public string Name => "influxdb";

    /// <summary>
    /// The agent-to-agent edges (<c>PropagationMap.Edges</c>), written as <c>agent_edge</c> points with every
    /// health reading; null writes none.
    /// </summary>
    public Func<IReadOnlyList<Core.Propagation.AgentEdge>>? EdgeSource { get; init; }

    /// <summary>True while writes are failing and being retried.</summary>
    public bool IsDown => Volatile.Read(ref _downFlag) != 0;

    /// <summary>
    /// Writes the batch's points and returns once InfluxDB acknowledged all of them. Waits (retrying) through
    /// outages; throws only <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/>
    /// fires; some of the batch's points may then already be stored, and writing them again is harmless
    /// (identical points overwrite each other).
    /// </summary>
    public async Task WriteAsync(ResultBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (batch.IsEmpty)
        {
            return;
        }

        if (batch.Health is not null && EdgeSource is { } edges && batch.Edges.Count == 0)
        {
            batch = batch with { Edges = edges() };
        }

        var lines = PointBuilder.Build(batch);
        if (lines.Count == 0)
        {
            return;
        }

        var max = _options.MaxBatchPoints;
        var pending = new List<Task>((lines.Count / max) + 1);
        for (var start = 0; start < lines.Count; start += max)
        {
            var chunk = new Chunk(lines.GetRange(start, Math.Min(max, lines.Count - start)), cancellationToken);
            try
            {
                await _buffer.Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                throw new ObjectDisposedException(nameof(InfluxResultSink));
            }

            pending.Add(chunk.Completion.Task);
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the writer. Batches still waiting are abandoned: their callers see cancellation.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _buffer.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _writer.ConfigureAwait(false);
        _stopping.Dispose();
        _transport.Dispose();
    }

    private static InfluxSinkOptions Validated(InfluxSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private static IInfluxTransport CreateTransport(InfluxSinkOptions options) => options.Mode switch
    {
        InfluxWriteMode.V1 => new V1HttpTransport(options),
        _ => new V2ClientTransport(options),
    };

    private async Task RunAsync(CancellationToken stopping)
    {
        var group = new List<Chunk>();
        var lines = new List<string>();
        try
        {
            while (await _buffer.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                group.Clear();
                lines.Clear();
                while (_buffer.Reader.TryPeek(out var next)
                    && (group.Count == 0 || lines.Count + next.Lines.Count <= _options.MaxBatchPoints)
                    && _buffer.Reader.TryRead(out next))
                {
                    if (next.CancellationToken.IsCancellationRequested)
                    {
                        next.Completion.TrySetCanceled(next.CancellationToken);
                        continue;
                    }

                    group.Add(next);
                    lines.AddRange(next.Lines);
                }

                if (group.Count > 0)
                {
                    await WriteGroupAsync(group, lines, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposal; callers still waiting are released below.
        }

        foreach (var chunk in group)
        {
            chunk.Completion.TrySetCanceled(stopping);
        }

        while (_buffer.Reader.TryRead(out var left))
        {
            left.Completion.TrySetCanceled(stopping);
        }
    }

    private async Task WriteGroupAsync(List<Chunk> group, List<string> lines, CancellationToken stopping)
    {
        // The request is given up only when every caller waiting on it has cancelled (or on disposal);
        // one caller cancelling must not abandon the points of the others.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var waiting = group.Count;
        var registrations = new List<CancellationTokenRegistration>(group.Count);
        foreach (var chunk in group)
        {
            registrations.Add(chunk.CancellationToken.Register(() =>
            {
                if (Interlocked.Decrement(ref waiting) == 0)
                {
                    abandon.Cancel();
                }
            }));
        }

        try
        {
            await WriteWithRetryAsync(lines, abandon.Token).ConfigureAwait(false);
            foreach (var chunk in group)
            {
                chunk.Completion.TrySetResult();
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            foreach (var chunk in group)
            {
                chunk.Completion.TrySetCanceled(chunk.CancellationToken.IsCancellationRequested ? chunk.CancellationToken : stopping);
            }

            stopping.ThrowIfCancellationRequested();
        }
        finally
        {
            foreach (var registration in registrations)
            {
                await registration.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task WriteWithRetryAsync(List<string> lines, CancellationToken cancellationToken)
    {
        await _retry.ExecuteAsync(
            static async (state, ct) =>
            {
                var (sink, lines) = state;
                try
                {
                    await sink._transport.WriteAsync(lines, ct).ConfigureAwait(false);
                }
                catch (InfluxWriteException e) when (!e.IsTransient)
                {
                    // Retrying points the server refuses would stall the stream for good. The server kept the
                    // valid points of the request (partial write); the rest is reported and let go.
                    sink.MarkUp();
                    LogRejected(sink._logger, lines.Count, e.StatusCode, e.Message);
                    return true;
                }

                sink.MarkUp();
                return true;
            },
            (this, lines),
            cancellationToken).ConfigureAwait(false);
    }

    private void MarkDown(Exception error, TimeSpan delay)
    {
        _failedAttempts++;
        if (_down)
        {
            return;
        }

        _down = true;
        Volatile.Write(ref _downFlag, 1);
        _downSince = _time.GetUtcNow();
        LogDown(_logger, Target(), error.Message, delay, _options.MaxRetryDelay);
    }

    private void MarkUp()
    {
        if (!_down)
        {
            _failedAttempts = 0;
            return;
        }

        _down = false;
        Volatile.Write(ref _downFlag, 0);
        LogRecovered(_logger, Target(), _time.GetUtcNow() - _downSince, _failedAttempts);
        _failedAttempts = 0;
    }

    private string Target() => _options.Mode == InfluxWriteMode.V1
        ? $"{_options.Url.GetLeftPart(UriPartial.Authority)} db={_options.Database}"
        : $"{_options.Url.GetLeftPart(UriPartial.Authority)} bucket={_options.Bucket}";

    [LoggerMessage(EventId = 4101, EventName = "InfluxSinkDown", Level = LogLevel.Warning,
        Message = "InfluxDB sink is down ({Target}): {Reason}. Retrying in {RetryDelay}, backing off up to {MaxRetryDelay}; results wait and offsets are not committed until it recovers")]
    private static partial void LogDown(ILogger logger, string target, string reason, TimeSpan retryDelay, TimeSpan maxRetryDelay);

    [LoggerMessage(EventId = 4102, EventName = "InfluxSinkRecovered", Level = LogLevel.Information,
        Message = "InfluxDB sink recovered ({Target}) after {Downtime} and {FailedAttempts} failed attempts")]
    private static partial void LogRecovered(ILogger logger, string target, TimeSpan downtime, int failedAttempts);

    [LoggerMessage(EventId = 4103, EventName = "InfluxPointsRejected", Level = LogLevel.Error,
        Message = "InfluxDB rejected a request of {PointCount} points (status {StatusCode}); points it could not store are lost: {Reason}")]
    private static partial void LogRejected(ILogger logger, int pointCount, int? statusCode, string reason);

    private sealed class Chunk(List<string> lines, CancellationToken cancellationToken)
    {
        public List<string> Lines { get; } = lines;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
