using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace DriftWatch.SampleAgent;

/// <summary>
/// The runtime's Kafka side: publishes decision and state events (key = agent id) and applies rollback
/// commands read from the control topic. Commands for other agents on the same topic are skipped.
/// </summary>
internal sealed partial class KafkaAgentIo : IDisposable
{
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
    }

    public Task PublishDecisionAsync(string json, CancellationToken cancellationToken) =>
        _producer.ProduceAsync(_options.DecisionTopic, new Message<string, string> { Key = _options.AgentId, Value = json }, cancellationToken);

    public Task PublishStateAsync(string json, CancellationToken cancellationToken) =>
        _producer.ProduceAsync(_options.StateTopic, new Message<string, string> { Key = _options.AgentId, Value = json }, cancellationToken);

    /// <summary>Reads the control topic on a dedicated thread until cancelled.</summary>
    public Task ListenForCommandsAsync(RollbackHandler handler, CancellationToken cancellationToken) => Task.Factory.StartNew(
        () =>
        {
            using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
            {
                BootstrapServers = _options.BootstrapServers,
                GroupId = $"{_options.AgentId}-control",
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

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Control topic consumer stopped")]
    private partial void LogConsumerFailed(Exception exception);
}
