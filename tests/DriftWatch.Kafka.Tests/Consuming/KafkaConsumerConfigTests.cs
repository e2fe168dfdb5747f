using DriftWatch.Kafka.Consuming;

namespace DriftWatch.Kafka.Tests.Consuming;

public sealed class KafkaConsumerConfigTests
{
    private static KafkaConsumerOptions Options() => new() { BootstrapServers = "127.0.0.1:9092" };

    [Fact]
    public void ConsumerConfigFor_Defaults_ShortFetchWaitAndFetchQueueBackoff()
    {
        var config = KafkaEventConsumer.ConsumerConfigFor(Options());

        // librdkafka's own 500 ms and 1 s would stall a backlog (see KafkaConsumerOptions.FetchQueueBackoff).
        Assert.Equal(10, config.FetchWaitMaxMs);
        Assert.Equal(10, config.FetchQueueBackoffMs);
        Assert.False(config.EnableAutoOffsetStore);
    }

    [Fact]
    public void ConsumerConfigFor_SettingsAndExtra_ExtraAppliedLast()
    {
        var options = Options();
        options.FetchQueueBackoff = TimeSpan.FromMilliseconds(250);
        options.FetchWait = TimeSpan.FromMilliseconds(40);
        options.Extra["fetch.wait.max.ms"] = "77";

        var config = KafkaEventConsumer.ConsumerConfigFor(options);

        Assert.Equal(250, config.FetchQueueBackoffMs);
        Assert.Equal(77, config.FetchWaitMaxMs);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(300_001)]
    public void Validate_FetchQueueBackoffOutOfRange_ThrowsNamingIt(int milliseconds)
    {
        var options = Options();
        options.FetchQueueBackoff = TimeSpan.FromMilliseconds(milliseconds);

        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("Kafka:FetchQueueBackoff", ex.Message, StringComparison.Ordinal);
    }
}
