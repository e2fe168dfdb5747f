using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Results;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Producing;
using DriftWatch.Kafka.State;
using DriftWatch.Kafka.Topics;
using DriftWatch.Service.State;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Service.Pipeline;

/// <summary>
/// The DriftWatch stream: Kafka source → parse/validate → dead letters → detection → sinks → commit.
/// Offsets are committed only after a message's results are written (at-least-once).
/// </summary>
public sealed class IngestPipeline
{
    private readonly KafkaConsumerOptions _kafka;
    private readonly PipelineOptions _options;
    private readonly IReadOnlyList<(IDriftMonitor Monitor, DriftMonitor? Detector)> _shards;
    private readonly IReadOnlyList<IResultSink> _sinks;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StateOptions _state;
    private readonly ResilienceOptions _resilience;

    /// <summary>Creates a pipeline; nothing runs until <see cref="RunAsync"/>.</summary>
    public IngestPipeline(
        KafkaConsumerOptions kafka,
        PipelineOptions options,
        IDriftMonitor monitor,
        IReadOnlyList<IResultSink> sinks,
        ILoggerFactory loggers,
        TimeProvider time)
        : this(kafka, options, monitor, sinks, loggers, time, detector: null, state: null)
    {
    }

    /// <summary>
    /// Creates a pipeline whose agent state is checkpointed to the <paramref name="state"/> changelog topic and
    /// restored on assignment. <paramref name="detector"/> is the statistical monitor inside
    /// <paramref name="monitor"/>, whose state is checkpointed. <paramref name="resilience"/> declares the retry
    /// level of the sinks and the dead letters (default: unlimited retries with backoff).
    /// </summary>
    public IngestPipeline(
        KafkaConsumerOptions kafka,
        PipelineOptions options,
        IDriftMonitor monitor,
        IReadOnlyList<IResultSink> sinks,
        ILoggerFactory loggers,
        TimeProvider time,
        DriftMonitor? detector,
        StateOptions? state,
        ResilienceOptions? resilience = null)
        : this(kafka, options, [(monitor ?? throw new ArgumentNullException(nameof(monitor)), detector)], sinks, loggers, time, state, resilience)
    {
    }

    /// <summary>
    /// Creates a pipeline whose detection is spread over <paramref name="shards"/>, each a monitor chain and the
    /// statistical monitor inside it (checkpointed with durable state), owning the agents
    /// <see cref="AgentShards.Of"/> gives it and run on its own thread per batch. Offsets are still committed per
    /// partition only once every earlier message of it is done on every shard, and durable state is keyed by agent,
    /// so a restart or rebalance with another shard count restores every agent wherever it now lands.
    /// </summary>
    public IngestPipeline(
        KafkaConsumerOptions kafka,
        PipelineOptions options,
        IReadOnlyList<(IDriftMonitor Monitor, DriftMonitor? Detector)> shards,
        IReadOnlyList<IResultSink> sinks,
        ILoggerFactory loggers,
        TimeProvider time,
        StateOptions? state,
        ResilienceOptions? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0 || shards.Any(s => s.Monitor is null) || (shards.Any(s => s.Detector is null) && shards.Any(s => s.Detector is not null)))
        {
            throw new ArgumentException("At least one detection shard is needed, each with a monitor, and either all or none with a detector.", nameof(shards));
        }

        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(time);
        kafka.Validate();
        options.Validate();
        _kafka = kafka;
        _options = options;
        _shards = [.. shards];
        _sinks = sinks;
        _loggers = loggers;
        _time = time;
        _logger = loggers.CreateLogger<IngestPipeline>();
        _state = state ?? new StateOptions { Enabled = false };
        _state.Validate();
        _resilience = resilience ?? new ResilienceOptions();
        _resilience.Validate();
    }

    /// <summary>Counters of this pipeline, live while it runs.</summary>
    public PipelineStatistics Statistics { get; } = new();

    /// <summary>Messages behind the end of the assigned partitions; 0 before the consumer starts.</summary>
    public long ConsumerLag => _consumer?.Lag ?? 0;

    /// <summary>Agents restored, skipped events, evictions; null when state is not durable.</summary>
    internal IReadOnlyList<DurableDetection> Durable => _durable ?? [];

    /// <summary>Agents in memory (durable state only; 0 otherwise).</summary>
    public int AgentsInMemory => Durable.Sum(d => d.AgentsInMemory);

    /// <summary>Events skipped after a restore because the agent's checkpoint already held them.</summary>
    public long SkippedEvents => Durable.Sum(d => d.Skipped);

    /// <summary>Agents restored from a checkpoint.</summary>
    public long RestoredAgents => Durable.Sum(d => d.Restored);

    /// <summary>Checkpoints that could not be used (corrupt, another format or other settings); those agents re-learn.</summary>
    public long RestoreFailures => Durable.Sum(d => d.RestoreFailures);

    /// <summary>Agents checkpointed and dropped from memory because they were idle or beyond the cap.</summary>
    public long EvictedAgents => Durable.Sum(d => d.Evicted);

    /// <summary>
    /// The latest checkpoint of an agent on this instance's partitions, or null (also when state is not
    /// durable or the pipeline is not running). Thread-safe; used by the rollback catalog.
    /// </summary>
    public byte[]? LoadCheckpoint(string agentId) => _durable is null ? null : _store?.Load(agentId);

    /// <summary>
    /// Whether this instance's detection state is restored, so that an agent the detector and its checkpoints
    /// do not know is really unknown: false from the start until the first partition assignment was restored,
    /// and while a later one is; true when state is not durable or the changelog topic is missing (nothing to
    /// restore). Thread-safe; the rollback catalog reads it.
    /// </summary>
    public bool StateRestored =>
        !(_state.Enabled && _shards[0].Detector is not null) || Volatile.Read(ref _stateUnavailable) || (_store?.AssignmentRestored ?? false);

    private KafkaEventConsumer? _consumer;
    private IReadOnlyList<DurableDetection>? _durable;
    private KafkaStateStore? _store;
    private bool _stateUnavailable;

    /// <summary>
    /// Consumes and processes until <paramref name="stoppingToken"/> fires, then drains: no new messages
    /// are taken, in-flight ones are finished, written and committed, and the consumer leaves its group.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var system = ActorSystem.Create("driftwatch", ActorConfig);
        var materializer = system.Materializer();
        using var abort = new CancellationTokenSource();
        var consumer = new KafkaEventConsumer(_kafka, _loggers.CreateLogger<KafkaEventConsumer>());
        _consumer = consumer;
        // The dead-letter producer may send anything the consumer can receive; larger payloads than
        // DeadLetterMaxBytes go truncated, so one huge message cannot stop the stream.
        using var deadLetters = new DeadLetterPublisher(
            KafkaProducerFactory.Create(
                _kafka.BootstrapServers,
                "driftwatch-dead-letters",
                _kafka.Extra,
                DeadLetterPublisher.ProducerMessageMaxBytes(_kafka.Extra, _options.DeadLetterMaxBytes)),
            _options.DeadLetterTopic,
            _time,
            _options.DeadLetterMaxBytes,
            _resilience.DeadLetters,
            _loggers.CreateLogger<DeadLetterPublisher>());
        EventRecorder? recorder = _options.RecordPath is { Length: > 0 } path ? new EventRecorder(path) : null;
        using var store = _state.Enabled && _shards[0].Detector is not null
            ? new KafkaStateStore(_kafka.BootstrapServers, _state, _kafka.Extra, _loggers.CreateLogger<KafkaStateStore>())
            : null;
        if (store is not null && store.Initialize())
        {
            _store = store;
            consumer.SetPartitionListener(store);
            consumer.CheckpointInterval = _state.CheckpointInterval;
            // The agent cap is the process's: each shard keeps its share (agents spread evenly by the hash).
            int share = (int)Math.Ceiling(_state.MaxAgentsInMemory / (double)_shards.Count);
            _durable = [.. _shards.Select(s => new DurableDetection(s.Monitor, s.Detector!, store, _state, _time, _loggers.CreateLogger<DurableDetection>(), share))];
        }
        else if (store is not null)
        {
            Volatile.Write(ref _stateUnavailable, true);
        }

        try
        {
            var sinkStage = new SinkStage(_sinks, recorder, _options, Statistics, () => consumer.Lag, _time, _logger, _durable is null ? null : store, _resilience.Sinks);
            if (!await TopicsReadyAsync(stoppingToken).ConfigureAwait(false))
            {
                return;
            }

            consumer.Start();
            PipelineLog.Started(_logger, string.Join(",", _kafka.Topics), _kafka.GroupId, _options.DeadLetterTopic);

            // Batches of messages, not single ones, travel from the consumer to the sinks: a stream element costs
            // about as much processor time as parsing an event, so per-message hand-overs bounded ingest.
            var completion = ChannelSource.FromReader(consumer.Batches)
                .Via(ParseStage.CreateBatched(_options.ParseWorkers))
                .Async() // parsing is stateless: it runs on its own actor, beside detection, not before it
                .Via(DeadLetterStage.CreateBatched(deadLetters, Statistics, _logger, abort.Token))
                .Via(ShardedDetectStage.Create(
                    [.. _shards.Select((s, i) => new DetectionShard(s.Monitor, _durable?[i]))],
                    Statistics,
                    _logger,
                    _time))
                .Via(sinkStage.CreateBatchedAlertPath(abort.Token))
                .GroupedWeightedWithin(_options.BatchSize, int.MaxValue, _options.BatchInterval, batch => Math.Min(batch.Length, _options.BatchSize))
                .Select(Flatten)
                .Via(sinkStage.Create(abort.Token))
                .RunForeach(
                    batch =>
                    {
                        var positions = new List<(string Topic, int Partition, long Next)>(4);
                        int messages = 0;
                        foreach (var item in batch)
                        {
                            messages += item.Message.IsControl ? 0 : 1;
                            if (item.CommitOffset >= 0)
                            {
                                positions.Add((item.Message.Topic, item.Message.Partition, item.CommitOffset));
                            }
                        }

                        consumer.AcknowledgeOffsets(positions, messages);
                        Statistics.CountCommitted(messages);
                    },
                    materializer);

            var stopped = Task.Delay(Timeout.Infinite, stoppingToken);
            var first = await Task.WhenAny(completion, stopped).ConfigureAwait(false);
            if (first == completion)
            {
                // The stream ended on its own: the consumer failed (a fatal Kafka error) or a stage threw.
                await completion.ConfigureAwait(false);
                return;
            }

            PipelineLog.Draining(_logger);
            consumer.StopFetching();
            var drained = await Task.WhenAny(completion, Task.Delay(_options.DrainTimeout, _time, CancellationToken.None)).ConfigureAwait(false);
            if (drained != completion)
            {
                await abort.CancelAsync().ConfigureAwait(false);
            }

            await completion.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PipelineLog.Failed(_logger, ex);
            throw;
        }
        finally
        {
            await consumer.CloseAsync(CancellationToken.None).ConfigureAwait(false);
            if (recorder is not null)
            {
                await recorder.DisposeAsync().ConfigureAwait(false);
            }

            PipelineLog.Stopped(_logger, Statistics.Events, Statistics.StateEvents, Statistics.DeadLettered, Statistics.Alerts.Count);
            await system.Terminate().ConfigureAwait(false);
        }
    }

    private static IEnumerable<ProcessedMessage> Flatten(IEnumerable<ProcessedMessage[]> batches)
    {
        var all = new List<ProcessedMessage>();
        foreach (var batch in batches)
        {
            all.AddRange(batch);
        }

        return all;
    }

    /// <summary>Waits (or creates them, when allowed) until the input topics exist; false when stopped first.</summary>
    private async Task<bool> TopicsReadyAsync(CancellationToken stoppingToken)
    {
        using var topics = new TopicGuard(_kafka.BootstrapServers, _kafka.Extra, _loggers.CreateLogger<TopicGuard>(), _time);
        string[] outputs = [_options.DeadLetterTopic, _options.AlertsTopic];
        return await topics.EnsureAsync([.. _kafka.Topics], outputs, _kafka.CreateTopics, stoppingToken).ConfigureAwait(false);
    }

    private static readonly Config ActorConfig = ConfigurationFactory.ParseString("""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
        }
        """);
}
