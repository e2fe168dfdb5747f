using System.Diagnostics.Metrics;
using System.Globalization;
using Confluent.Kafka;
using DriftWatch.Client.Publishing;
using DriftWatch.Client.Wire;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Client;

/// <summary>
/// Publishes decision events to DriftWatch's Kafka input topic, keyed by agent id, through an idempotent,
/// batching producer. <see cref="TryPublish"/> never waits for Kafka: events wait in a bounded buffer, and when
/// it is full (Kafka slow or down) new events are dropped and counted instead of slowing the agent down.
/// </summary>
/// <remarks>
/// Counters (<see cref="Published"/>, <see cref="Dropped"/>, <see cref="Failed"/>) are also reported through the
/// <see cref="Meter"/> named <see cref="MeterName"/>. Thread-safe; one instance per process is the usual set-up.
/// </remarks>
public sealed class DecisionPublisher : IAsyncDisposable
{
    /// <summary>Name of the <see cref="Meter"/> the publisher reports its counters through.</summary>
    public const string MeterName = "DriftWatch.Client";

    private readonly IProducer<string, byte[]> _producer;
    private readonly string _topic;
    private readonly int _capacity;
    private readonly TimeSpan _disposeTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly Action<DeliveryReport<string, byte[]>> _onDelivered;
    private readonly Meter _meter;
    private readonly Counter<long> _publishedCounter;
    private readonly Counter<long> _droppedCounter;
    private readonly Counter<long> _failedCounter;
    private readonly KeyValuePair<string, object?> _topicTag;
    private long _buffered;
    private long _published;
    private long _dropped;
    private long _failed;
    private int _disposed;

    /// <summary>Creates a publisher; connecting to Kafka happens in the background.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range; the message names it.</exception>
    public DecisionPublisher(DecisionPublisherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _topic = options.Topic;
        _capacity = options.BufferCapacity;
        _disposeTimeout = options.DisposeTimeout;
        _time = options.TimeProvider;
        _logger = options.Logger;
        _onDelivered = OnDelivered;

        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = "driftwatch-client",
            // Retries after a lost acknowledgement must not duplicate a decision: duplicates would skew counts.
            EnableIdempotence = true,
            LingerMs = options.Linger.TotalMilliseconds,
            // The buffer bound is enforced here, before librdkafka's own queue could fill and refuse first.
            QueueBufferingMaxMessages = Math.Max(options.BufferCapacity + 1, 1000),
            DeliveryReportFields = "key,status",
        };
        foreach (KeyValuePair<string, string> setting in options.KafkaConfig)
        {
            config.Set(setting.Key, setting.Value);
        }

        _producer = new ProducerBuilder<string, byte[]>(config)
            .SetErrorHandler((_, error) =>
            {
                if (_logger is not null)
                {
                    Log.KafkaError(_logger, error.Code, error.Reason);
                }
            })
            // librdkafka writes its own log to stderr by default; inside an agent that is the agent's console.
            // Its errors already reach the error handler above, so the rest is debug detail.
            .SetLogHandler((_, message) =>
            {
                if (_logger is not null)
                {
                    Log.KafkaLog(_logger, message.Facility, message.Message);
                }
            })
            .Build();

        _topicTag = new("messaging.destination.name", _topic);
        _meter = new Meter(MeterName, typeof(DecisionPublisher).Assembly.GetName().Version?.ToString());
        _publishedCounter = _meter.CreateCounter<long>("driftwatch.client.decisions.published", "{decision}", "Decision events Kafka acknowledged.");
        _droppedCounter = _meter.CreateCounter<long>("driftwatch.client.decisions.dropped", "{decision}", "Decision events dropped because the buffer was full or the publisher was disposed.");
        _failedCounter = _meter.CreateCounter<long>("driftwatch.client.decisions.failed", "{decision}", "Decision events Kafka did not accept (delivery timed out or refused).");
        _meter.CreateObservableUpDownCounter("driftwatch.client.decisions.buffered", () => new Measurement<long>(Buffered, _topicTag), "{decision}", "Decision events waiting for Kafka's acknowledgement.");
    }

    /// <summary>Events Kafka has acknowledged.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Events not taken because the buffer was full (or the publisher was disposed).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events taken but not delivered: Kafka refused them or they timed out (librdkafka <c>message.timeout.ms</c>).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Events taken and not yet acknowledged or failed.</summary>
    public long Buffered => Interlocked.Read(ref _buffered);

    /// <summary>The topic events are published to.</summary>
    public string Topic => _topic;

    /// <summary>
    /// Hands one decision to the producer without waiting for Kafka. Returns false, and counts it in
    /// <see cref="Dropped"/>, when the buffer is full or the publisher has been disposed.
    /// </summary>
    /// <exception cref="ArgumentException">The decision misses a required field or has an out-of-range number.</exception>
    public bool TryPublish(AgentDecision decision)
    {
        // Serialized first, so misuse is reported the same way whatever state the publisher is in.
        byte[] value = DecisionSerializer.Serialize(decision, _time.GetUtcNow());
        if (Volatile.Read(ref _disposed) != 0)
        {
            return Drop();
        }

        if (Interlocked.Increment(ref _buffered) > _capacity)
        {
            Interlocked.Decrement(ref _buffered);
            return Drop();
        }

        try
        {
            _producer.Produce(_topic, new Message<string, byte[]> { Key = decision.AgentId, Value = value }, _onDelivered);
            return true;
        }
        catch (Exception ex) when (ex is KafkaException or ObjectDisposedException)
        {
            // librdkafka's own queue full, or a dispose racing this call: the event was not taken.
            Interlocked.Decrement(ref _buffered);
            return Drop();
        }
    }

    /// <summary>Waits until every buffered event is acknowledged or failed.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (await FlushOnceAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    /// <summary>
    /// Stops taking events, waits up to <see cref="DecisionPublisherOptions.DisposeTimeout"/> for the buffered ones,
    /// then discards what is left (counted in <see cref="Failed"/>) and closes the producer.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(_disposeTimeout))
        {
            try
            {
                while (await FlushOnceAsync(timeout.Token).ConfigureAwait(false) > 0)
                {
                }
            }
            catch (OperationCanceledException)
            {
                // Kafka is slow or down; what is left is discarded below.
            }
        }

        _producer.Dispose();

        // The producer is gone, so no delivery report can still arrive: what is left was never acknowledged.
        long left = Interlocked.Exchange(ref _buffered, 0);
        if (left > 0)
        {
            Interlocked.Add(ref _failed, left);
            _failedCounter.Add(left, _topicTag);
            if (_logger is not null)
            {
                Log.Undelivered(_logger, (int)left);
            }
        }

        _meter.Dispose();
    }

    // Flush in short slices on the thread pool: librdkafka's flush blocks, and the caller's token must be honoured.
    private Task<int> FlushOnceAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => Buffered == 0 ? 0 : Math.Max(_producer.Flush(TimeSpan.FromMilliseconds(100)), (int)Buffered), cancellationToken);
    }

    private bool Drop()
    {
        Interlocked.Increment(ref _dropped);
        _droppedCounter.Add(1, _topicTag);
        return false;
    }

    private void OnDelivered(DeliveryReport<string, byte[]> report)
    {
        Interlocked.Decrement(ref _buffered);
        if (report.Error.IsError)
        {
            Interlocked.Increment(ref _failed);
            _failedCounter.Add(1, _topicTag);
            if (_logger is not null)
            {
                Log.DeliveryFailed(_logger, report.Key ?? "", string.Create(CultureInfo.InvariantCulture, $"{report.Error.Code}: {report.Error.Reason}"));
            }
        }
        else
        {
            Interlocked.Increment(ref _published);
            _publishedCounter.Add(1, _topicTag);
        }
    }
}
