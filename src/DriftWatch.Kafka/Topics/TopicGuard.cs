using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Kafka.Topics;

/// <summary>
/// Makes sure the topics a pipeline needs exist before it starts: creates missing ones when allowed
/// (<c>Kafka:CreateTopics</c>), otherwise waits for them with one log line naming them, and never throws
/// because a topic is missing.
/// </summary>
/// <remarks>
/// Subscribing to a topic that does not exist makes the consumer report an error at every metadata refresh;
/// taking that as fatal took the whole service (and its HTTP API) down, although the usual cause is only
/// that the topic is created a little later by a deployment step. Output topics (dead letters, alerts) are
/// created when allowed but not waited for: a broker with automatic topic creation creates them on first
/// write, and a write to a missing topic is retried like any passing failure.
/// </remarks>
public sealed partial class TopicGuard : IDisposable
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    private readonly IAdminClient _admin;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;
    private ErrorCode _lastMetadataError = ErrorCode.NoError;

    /// <summary>Creates a guard with its own admin client.</summary>
    public TopicGuard(string bootstrapServers, IDictionary<string, string> extra, ILogger logger, TimeProvider time, TimeSpan? pollInterval = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentNullException.ThrowIfNull(extra);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        _logger = logger;
        _time = time;
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(2);
        var config = new AdminClientConfig { BootstrapServers = bootstrapServers };
        foreach (var (key, value) in extra)
        {
            config.Set(key, value);
        }

        config.ClientId = $"driftwatch-topics-{Environment.ProcessId}";
        // Never let a metadata request create a topic behind the operator's back.
        config.Set("allow.auto.create.topics", "false");
        _admin = new AdminClientBuilder(config)
            .SetLogHandler((_, message) => LogClient(message.Facility, message.Message))
            .Build();
    }

    /// <summary>
    /// Returns true once every topic in <paramref name="inputs"/> exists, false if cancelled first. Missing
    /// topics (inputs and <paramref name="outputs"/>) are created with the broker's default partition count
    /// and replication when <paramref name="create"/> is set.
    /// </summary>
    public async Task<bool> EnsureAsync(IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, bool create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        try
        {
            var wanted = inputs.Concat(outputs).Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal).ToList();
            var missing = await MissingAsync(wanted, cancellationToken).ConfigureAwait(false);
            if (create && missing.Count > 0)
            {
                await CreateAsync(missing).ConfigureAwait(false);
            }

            var waitingFor = await MissingAsync(inputs, cancellationToken).ConfigureAwait(false);
            if (waitingFor.Count == 0)
            {
                return true;
            }

            LogWaiting(string.Join(", ", waitingFor), create);
            while (waitingFor.Count > 0)
            {
                await Task.Delay(_pollInterval, _time, cancellationToken).ConfigureAwait(false);
                waitingFor = await MissingAsync(inputs, cancellationToken).ConfigureAwait(false);
            }

            LogReady(string.Join(", ", inputs));
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<List<string>> MissingAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                // All-topics metadata: asking for a named topic could make the broker auto-create it.
                var metadata = await Task.Run(() => _admin.GetMetadata(MetadataTimeout), cancellationToken).ConfigureAwait(false);
                var present = metadata.Topics
                    .Where(t => t.Error.Code == ErrorCode.NoError && t.Partitions.Count > 0)
                    .Select(t => t.Topic)
                    .ToHashSet(StringComparer.Ordinal);
                return topics.Where(t => !present.Contains(t)).ToList();
            }
            catch (KafkaException ex)
            {
                // Cluster not reachable yet: the client keeps trying; so do we, without crashing, and say so
                // once per kind of failure.
                if (ex.Error.Code != _lastMetadataError)
                {
                    _lastMetadataError = ex.Error.Code;
                    LogMetadataFailed(ex.Error.Code.ToString(), ex.Error.Reason);
                }

                await Task.Delay(_pollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task CreateAsync(List<string> topics)
    {
        // -1: the broker's num.partitions and default.replication.factor (Kafka 2.4 and later).
        var specs = topics.Select(t => new TopicSpecification { Name = t, NumPartitions = -1, ReplicationFactor = -1 }).ToList();
        try
        {
            await _admin.CreateTopicsAsync(specs, new CreateTopicsOptions { RequestTimeout = MetadataTimeout, OperationTimeout = MetadataTimeout })
                .ConfigureAwait(false);
            LogCreated(string.Join(", ", topics));
        }
        catch (CreateTopicsException ex)
        {
            foreach (var result in ex.Results)
            {
                if (result.Error.Code == ErrorCode.NoError)
                {
                    LogCreated(result.Topic);
                }
                else if (result.Error.Code != ErrorCode.TopicAlreadyExists)
                {
                    LogCreateFailed(result.Topic, $"{result.Error.Code}: {result.Error.Reason}");
                }
            }
        }
        catch (KafkaException ex)
        {
            LogCreateFailed(string.Join(", ", topics), $"{ex.Error.Code}: {ex.Error.Reason}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _admin.Dispose();

    [LoggerMessage(EventId = 1071, Level = LogLevel.Warning, Message = "Waiting for topic(s) {Topics} to exist (Kafka:CreateTopics is {Create}); consuming starts as soon as they do")]
    private partial void LogWaiting(string topics, bool create);

    [LoggerMessage(EventId = 1072, Level = LogLevel.Information, Message = "Topic(s) {Topics} exist; consuming starts")]
    private partial void LogReady(string topics);

    [LoggerMessage(EventId = 1073, Level = LogLevel.Information, Message = "Created topic(s) {Topics} with the broker's default partitions and replication")]
    private partial void LogCreated(string topics);

    [LoggerMessage(EventId = 1074, Level = LogLevel.Warning, Message = "Could not create topic(s) {Topics}: {Error}")]
    private partial void LogCreateFailed(string topics, string error);

    [LoggerMessage(EventId = 1075, Level = LogLevel.Warning, Message = "Cannot read topic metadata ({Code}: {Reason}); retrying until the cluster answers")]
    private partial void LogMetadataFailed(string code, string reason);

    [LoggerMessage(EventId = 1076, Level = LogLevel.Debug, Message = "librdkafka (topics) {Facility}: {Message}")]
    private partial void LogClient(string facility, string message);
}
