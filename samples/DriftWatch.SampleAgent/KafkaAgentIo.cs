using Confluent.Kafka;
using DriftWatch.Client;
using Microsoft.Extensions.Logging;

namespace DriftWatch.SampleAgent;

/// <summary>
/// The runtime's Kafka side: publishes decisions through DriftWatch.Client and state events with its own
/// producer (key = agent id), and applies rollback commands read from the control topic. Commands for other
/// agents on the same topic are skipped.
/// </summary>
internal sealed partial class KafkaAgentIo : IAsyncDisposable
{
    private readonly DecisionPublisher _decisions;
    private readonly IProducer<string, string> _producer;
    private readonly SampleAgentOptions _options;
    private readonly ILogger _logger;

    public KafkaAgentIo(SampleAgentOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = options.AgentId,
            EnableIdempotence = true,
            Acks = Acks.All,
        }).Build();
        _decisions = new DecisionPublisher(new DecisionPublisherOptions
        {
            BootstrapServers = options.BootstrapServers,
            Topic = options.DecisionTopic,
            Logger = logger,
        });
    }

    /// <summary>Hands a decision to the client without waiting for Kafka; false when it was dropped (buffer full).</summary>
    public bool PublishDecision(AgentDecision decision) => _decisions.TryPublish(decision);

    public async Task PublishStateAsync(string json, CancellationToken cancellationToken)
    {
        // A state change must reach the topic after the decisions made before it: DriftWatch attributes a drift to
        // the changes that precede it in the stream, and the two go through different producers.
        await _decisions.FlushAsync(cancellationToken);
        await _producer.ProduceAsync(_options.StateTopic, new Message<string, string> { Key = _options.AgentId, Value = json }, cancellationToken);
    }

    /// <summary>Reads the control topic on a dedicated thread until cancelled.</summary>
    public Task ListenForCommandsAsync(RollbackHandler handler, CancellationToken cancellationToken) => Task.Factory.StartNew(
        () =>
        {
            using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
            {
                BootstrapServers = _options.BootstrapServers,
                // One group per environment: the runtimes of one agent in production and staging share its key, and
                // each must see every command (a sync names the environment that applies it).
                GroupId = $"{_options.AgentId}-{_options.Environment}-control",
                AutoOffsetReset = AutoOffsetReset.Latest,
                EnableAutoCommit = true,
            }).Build();
            consumer.Subscribe(_options.ControlTopic);
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var result = consumer.Consume(cancellationToken);
                    if (result?.Message is { } message && message.Key == _options.AgentId)
                    {
                        handler.Handle(message.Value);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Shutdown.
            }
            catch (KafkaException ex)
            {
                LogConsumerFailed(ex);
            }
            finally
            {
                consumer.Close();
            }
        },
        cancellationToken,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        await _decisions.DisposeAsync();
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Control topic consumer stopped")]
    private partial void LogConsumerFailed(Exception exception);
}
