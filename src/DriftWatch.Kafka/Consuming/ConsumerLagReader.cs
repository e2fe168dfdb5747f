using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Kafka.Consuming;

/// <summary>
/// Reads a consumer's lag from the cluster: for each assigned partition, the log end offset (high
/// watermark) minus the next offset to process, asked fresh at a fixed interval on its own client.
/// </summary>
/// <remarks>
/// A consumer's cached watermarks come from fetch responses, so they stop moving while its partitions are
/// paused and are unknown for a partition not fetched yet: lag read from them says 0 exactly when the
/// consumer is furthest behind. Here the watermarks are queried (ListOffsets) and so are the group's
/// committed offsets (OffsetFetch), on an admin client of its own, so neither the consumer thread nor the
/// stream ever waits for a reading. The next offset to process is the later of what the stream
/// acknowledged and what the group committed; offsets below the log start no longer exist and do not count.
/// </remarks>
internal sealed partial class ConsumerLagReader : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly IAdminClient _admin;
    private readonly string _groupId;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private volatile Progress? _progress;
    private volatile IReadOnlyDictionary<TopicPartition, long> _committed = new Dictionary<TopicPartition, long>();
    private long _lag;
    private long _readings;
    private Task? _loop;
    private int _disposed;

    internal ConsumerLagReader(KafkaConsumerOptions options, TimeSpan interval, ILogger logger)
    {
        _groupId = options.GroupId;
        _interval = interval;
        _logger = logger;
        var config = new AdminClientConfig { BootstrapServers = options.BootstrapServers };
        foreach (var (key, value) in options.Extra)
        {
            config.Set(key, value);
        }

        config.ClientId = $"driftwatch-lag-{Environment.ProcessId}";
        // Consumer-only settings in Kafka:Extra make librdkafka warn that this client ignores them.
        _admin = new AdminClientBuilder(config)
            .SetLogHandler((_, message) => LogClient(message.Facility, message.Message))
            .Build();
    }

    /// <summary>Messages not yet processed on the assigned partitions, as of the latest reading.</summary>
    internal long Lag => Interlocked.Read(ref _lag);

    /// <summary>Completed readings, for tests and health: 0 until the first one.</summary>
    internal long Readings => Interlocked.Read(ref _readings);

    /// <summary>Committed offsets of the assigned partitions as of the latest reading.</summary>
    internal IReadOnlyDictionary<TopicPartition, long> Committed => _committed;

    /// <summary>
    /// Hands over the current assignment and the next offset to process per partition. Called by the
    /// consumer thread; cheap, it only swaps a reference.
    /// </summary>
    internal void Publish(IReadOnlyList<TopicPartition> assignment, IReadOnlyDictionary<TopicPartition, long> acknowledged) =>
        _progress = new Progress(assignment, acknowledged);

    internal void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval);
        do
        {
            try
            {
                await ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KafkaException ex)
            {
                // The cluster did not answer; the previous reading stands until the next one succeeds.
                LogReadFailed(ex.Error.Code.ToString(), ex.Error.Reason);
            }
            catch (InvalidOperationException ex)
            {
                LogReadFailed(ex.GetType().Name, ex.Message);
            }
        }
        while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var progress = _progress;
        if (progress is null || progress.Assignment.Count == 0)
        {
            Interlocked.Exchange(ref _lag, 0);
            Interlocked.Increment(ref _readings);
            return;
        }

        var options = new ListOffsetsOptions { RequestTimeout = RequestTimeout };
        var high = await ListOffsetsAsync(progress.Assignment, OffsetSpec.Latest(), options).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var low = await ListOffsetsAsync(progress.Assignment, OffsetSpec.Earliest(), options).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var committed = await CommittedAsync(progress.Assignment).ConfigureAwait(false);

        long lag = 0;
        foreach (var partition in progress.Assignment)
        {
            if (!high.TryGetValue(partition, out var end))
            {
                continue;
            }

            var start = low.GetValueOrDefault(partition, 0);
            var next = Math.Max(
                progress.Acknowledged.TryGetValue(partition, out var acknowledged) ? acknowledged : -1,
                committed.TryGetValue(partition, out var done) ? done : -1);
            lag += Math.Max(0, end - Math.Max(next, start));
        }

        _committed = committed;
        Interlocked.Exchange(ref _lag, lag);
        Interlocked.Increment(ref _readings);
    }

    private async Task<Dictionary<TopicPartition, long>> ListOffsetsAsync(IReadOnlyList<TopicPartition> partitions, OffsetSpec spec, ListOffsetsOptions options)
    {
        var result = await _admin.ListOffsetsAsync(
            partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = spec }),
            options).ConfigureAwait(false);
        var offsets = new Dictionary<TopicPartition, long>();
        foreach (var info in result.ResultInfos)
        {
            var entry = info.TopicPartitionOffsetError;
            if (entry.Error.Code == ErrorCode.NoError && entry.Offset.Value >= 0)
            {
                offsets[entry.TopicPartition] = entry.Offset.Value;
            }
        }

        return offsets;
    }

    private async Task<Dictionary<TopicPartition, long>> CommittedAsync(IReadOnlyList<TopicPartition> partitions)
    {
        var results = await _admin.ListConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitions(_groupId, [.. partitions])],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = RequestTimeout }).ConfigureAwait(false);
        var offsets = new Dictionary<TopicPartition, long>();
        foreach (var entry in results.SelectMany(r => r.Partitions))
        {
            if (entry.Error.Code == ErrorCode.NoError && entry.Offset.Value >= 0)
            {
                offsets[entry.TopicPartition] = entry.Offset.Value;
            }
        }

        return offsets;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _admin.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 1052, Level = LogLevel.Debug, Message = "Lag reading failed ({Code}: {Reason}); the previous reading stands")]
    private partial void LogReadFailed(string code, string reason);

    [LoggerMessage(EventId = 1053, Level = LogLevel.Debug, Message = "librdkafka (lag reader) {Facility}: {Message}")]
    private partial void LogClient(string facility, string message);

    private sealed record Progress(IReadOnlyList<TopicPartition> Assignment, IReadOnlyDictionary<TopicPartition, long> Acknowledged);
}
