using Akka;
using Akka.Streams.Dsl;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Resilience;
using DriftWatch.Core.Results;
using DriftWatch.Kafka.State;
using Microsoft.Extensions.Logging;
using Polly;

namespace DriftWatch.Service.Pipeline;

/// <summary>
/// Writes a batch's results to every sink and completes only when all of them have it. A failed sink is
/// retried by the Polly pipeline of <c>Resilience:Sinks</c> (only that sink, so the others see no duplicates) and
/// the stream backpressures meanwhile: the batch's offsets are not committed while any of its results are
/// unwritten. When a bounded number of retries is spent, the write fails and the stream stops, uncommitted.
/// </summary>
internal sealed class SinkStage
{
    private readonly IReadOnlyList<IResultSink> _sinks;
    private readonly EventRecorder? _recorder;
    private readonly PipelineOptions _options;
    private readonly PipelineStatistics _statistics;
    private readonly Func<long> _lag;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IAgentStateStore? _state;
    private readonly ResiliencePipeline<bool> _retry;
    private DateTimeOffset _nextHealth;
    private DateTimeOffset _lastHealth;
    private long _eventsAtLastHealth;
    private bool _alertsAhead;

    internal SinkStage(
        IReadOnlyList<IResultSink> sinks,
        EventRecorder? recorder,
        PipelineOptions options,
        PipelineStatistics statistics,
        Func<long> lag,
        TimeProvider time,
        ILogger logger,
        IAgentStateStore? state = null,
        RetryOptions? retry = null)
    {
        _state = state;
        // The one retry level of every sink (Resilience:Sinks); sinks themselves do not retry on top.
        _retry = RetryPipeline.Build<bool>(retry ?? new RetryOptions(), RetryPipeline.IsFailure, time, (_, _, _) => statistics.CountSinkRetry());
        _sinks = sinks;
        _recorder = recorder;
        _options = options;
        _statistics = statistics;
        _lag = lag;
        _time = time;
        _logger = logger;
        _lastHealth = time.GetUtcNow();
        _nextHealth = _lastHealth + options.HealthInterval;
    }

    /// <summary>
    /// Writes a message's alerts to every sink as soon as detection produced them, rather than with the
    /// result batch (which waits up to BatchInterval): an alert is on its topic within the sinks' own
    /// latency of its window closing. The message then continues to the batch, so its offset is still
    /// committed only after its alerts and its scores are written; the batch leaves the alerts out.
    /// </summary>
    internal Flow<ProcessedMessage, ProcessedMessage, NotUsed> CreateAlertPath(CancellationToken cancellationToken)
    {
        _alertsAhead = true;

        // One message at a time while the sinks keep up (an alert leaves at once); while a write is under way
        // the messages behind it are gathered, so an alert storm or a slow sink costs one write per sink per
        // gathering, not one per alert.
        return Flow.Create<ProcessedMessage>()
            .Batch(
                AlertGathering,
                item => new List<ProcessedMessage> { item },
                (gathered, item) =>
                {
                    gathered.Add(item);
                    return gathered;
                })
            .SelectAsync(1, gathered => WriteAlertsAsync(gathered, cancellationToken))
            .SelectMany(gathered => gathered)
            .Named("alerts");
    }

    private const int AlertGathering = 1000;

    /// <summary>
    /// The batch form of <see cref="CreateAlertPath"/>: batches pass one at a time while the sinks keep up;
    /// behind a write under way they are gathered up to <see cref="AlertGathering"/> messages.
    /// </summary>
    internal Flow<ProcessedMessage[], ProcessedMessage[], NotUsed> CreateBatchedAlertPath(CancellationToken cancellationToken)
    {
        _alertsAhead = true;
        return Flow.Create<ProcessedMessage[]>()
            .BatchWeighted(
                AlertGathering,
                batch => batch.Length,
                batch => new List<ProcessedMessage[]> { batch },
                (gathered, batch) =>
                {
                    gathered.Add(batch);
                    return gathered;
                })
            .SelectAsync(1, async gathered =>
            {
                if (gathered.Exists(static batch => Array.Exists(batch, static item => item.Detection.Alerts.Count > 0)))
                {
                    await WriteAlertsAsync(gathered.SelectMany(static batch => batch).ToList(), cancellationToken).ConfigureAwait(false);
                }

                return gathered;
            })
            .SelectMany(gathered => gathered)
            .Named("alerts");
    }

    /// <summary>Writes the alerts of one message to every sink (retried like a batch); returns the message.</summary>
    internal async Task<ProcessedMessage> WriteAlertsAsync(ProcessedMessage item, CancellationToken cancellationToken)
    {
        await WriteAlertsAsync([item], cancellationToken).ConfigureAwait(false);
        return item;
    }

    /// <summary>Writes the alerts of consecutive messages to every sink together (retried like a batch).</summary>
    internal async Task<List<ProcessedMessage>> WriteAlertsAsync(List<ProcessedMessage> items, CancellationToken cancellationToken)
    {
        List<DriftAlert>? all = null;
        List<Core.Incidents.Incident>? incidents = null;
        foreach (var item in items)
        {
            if (item.Detection.Alerts.Count > 0)
            {
                (all ??= []).AddRange(item.Detection.Alerts);
            }

            if (item.Detection.Incidents.Count > 0)
            {
                (incidents ??= []).AddRange(item.Detection.Incidents);
            }
        }

        if (all is null)
        {
            return items;
        }

        var alerts = new ResultBatch([], all, [], null) { Incidents = incidents ?? [] };
        foreach (var sink in _sinks)
        {
            await WithRetryAsync(sink.Name, ct => sink.WriteAsync(alerts, ct), cancellationToken).ConfigureAwait(false);
        }

        var now = _time.GetUtcNow();
        foreach (var item in items)
        {
            double milliseconds = (now - item.Message.BrokerTimestamp).TotalMilliseconds;
            for (int i = 0; i < item.Detection.Alerts.Count; i++)
            {
                PipelineLatency.EventToAlert.Record(milliseconds);
            }
        }

        return items;
    }

    internal Flow<IEnumerable<ProcessedMessage>, IReadOnlyList<ProcessedMessage>, NotUsed> Create(CancellationToken cancellationToken) =>
        Flow.Create<IEnumerable<ProcessedMessage>>()
            .SelectAsync(1, async items =>
            {
                var batch = items as IReadOnlyList<ProcessedMessage> ?? items.ToList();
                await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                return batch;
            })
            .Named("sinks");

    internal async Task WriteAsync(IReadOnlyList<ProcessedMessage> batch, CancellationToken cancellationToken)
    {
        var results = Collect(batch);
        if (_recorder is not null)
        {
            await WithRetryAsync("recording", ct => _recorder.AppendAsync(batch, ct), cancellationToken).ConfigureAwait(false);
        }

        if (!results.IsEmpty)
        {
            foreach (var sink in _sinks)
            {
                await WithRetryAsync(sink.Name, ct => sink.WriteAsync(results, ct), cancellationToken).ConfigureAwait(false);
            }
        }

        if (PipelineLatency.EventToResults.Enabled)
        {
            var now = _time.GetUtcNow();
            foreach (var item in batch)
            {
                if (!item.Message.IsControl)
                {
                    PipelineLatency.EventToResults.Record((now - item.Message.BrokerTimestamp).TotalMilliseconds);
                }
            }
        }

        // Checkpoints go last: one never becomes durable before the results of the events it holds.
        if (_state is not null)
        {
            var records = batch.Where(i => i.Checkpoints is { Count: > 0 }).SelectMany(i => i.Checkpoints!).ToList();
            if (records.Count > 0)
            {
                await WithRetryAsync("state-changelog", ct => _state.WriteAsync(records, ct), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private ResultBatch Collect(IReadOnlyList<ProcessedMessage> batch)
    {
        List<FeatureScore>? scores = null;
        List<DriftAlert>? alerts = null;
        List<WindowSummary>? windows = null;
        List<Core.Incidents.Incident>? incidents = null;
        foreach (var item in batch)
        {
            var step = item.Detection;
            if (step.IsEmpty)
            {
                continue;
            }

            (scores ??= []).AddRange(step.Scores);
            if (!_alertsAhead)
            {
                (alerts ??= []).AddRange(step.Alerts);
                if (step.Incidents.Count > 0)
                {
                    (incidents ??= []).AddRange(step.Incidents);
                }
            }

            (windows ??= []).AddRange(step.Windows);
        }

        var health = NextHealth();
        return scores is null && health is null
            ? ResultBatch.Empty
            : new ResultBatch(scores ?? [], alerts ?? [], windows ?? [], health) { Incidents = incidents ?? [] };
    }

    private PipelineHealth? NextHealth()
    {
        var now = _time.GetUtcNow();
        if (now < _nextHealth)
        {
            return null;
        }

        var events = _statistics.Events;
        var seconds = Math.Max((now - _lastHealth).TotalSeconds, 1e-3);
        var health = new PipelineHealth(now, _options.InstanceId, events, (events - _eventsAtLastHealth) / seconds, _statistics.DeadLettered, _lag());
        _lastHealth = now;
        _eventsAtLastHealth = events;
        _nextHealth = now + _options.HealthInterval;
        return health;
    }

    private async Task WithRetryAsync(string name, Func<CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var attempts = 0;
        try
        {
            await _retry.ExecuteAsync(
                async ct =>
                {
                    attempts++;
                    try
                    {
                        await write(ct).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (attempts == 1 && !ct.IsCancellationRequested)
                    {
                        PipelineLog.SinkDown(_logger, name, ex.Message);
                        throw;
                    }

                    return true;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping while a sink is down is a cancellation, whichever error the sink was failing with
            // at that moment: the batch stays uncommitted and is redelivered.
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }

        if (attempts > 1)
        {
            PipelineLog.SinkRecovered(_logger, name, attempts);
        }
    }
}
