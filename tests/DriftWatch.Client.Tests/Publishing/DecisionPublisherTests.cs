using System.Diagnostics.Metrics;
using DriftWatch.Client.Tests.Infrastructure;
using DriftWatch.Core.Events;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Client.Tests.Publishing;

public sealed class DecisionPublisherTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task TryPublish_EmbeddedCluster_EveryEventDeliveredKeyedByAgentAndParsedByCore()
    {
        string topic = kafka.NewTopic();
        await using var publisher = kafka.NewPublisher(topic);

        for (int i = 0; i < 200; i++)
        {
            Assert.True(publisher.TryPublish(new AgentDecision
            {
                AgentId = i % 2 == 0 ? "router-a" : "router-b",
                DecisionName = "route",
                Outcome = $"queue-{i % 5}",
                EventId = $"event-{i}",
                InputFeatures = new Dictionary<string, string> { ["urgency"] = i % 3 == 0 ? "high" : "low" },
            }));
        }

        await publisher.FlushAsync();

        Assert.Equal(200, publisher.Published);
        Assert.Equal(0, publisher.Dropped);
        Assert.Equal(0, publisher.Failed);
        Assert.Equal(0, publisher.Buffered);
        var consumed = kafka.Consume(topic, 200);
        Assert.All(consumed, m => Assert.Equal(m.Event.AgentId, m.Key));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"event-{i}").Order(), consumed.Select(m => m.Event.EventId).Order());
        // One agent's events share a key, hence a partition: they arrive in the order they were published.
        var routerA = consumed.Where(m => m.Key == "router-a").Select(m => int.Parse(m.Event.EventId["event-".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(routerA.Order(), routerA);
    }

    [Fact]
    public async Task TryPublish_BrokerUnreachableAndBufferFull_ReturnsFalseAndCountsDrops()
    {
        // Nothing listens on port 1: Kafka is down for the whole test, so nothing is ever acknowledged.
        string topic = $"decisions-{Guid.NewGuid():N}";
        var drops = new DropListener(topic);
        var publisher = new DecisionPublisher(new DecisionPublisherOptions
        {
            BootstrapServers = "127.0.0.1:1",
            Topic = topic,
            BufferCapacity = 5,
            DisposeTimeout = TimeSpan.FromMilliseconds(200),
        });

        var taken = Enumerable.Range(0, 8)
            .Select(i => publisher.TryPublish(new AgentDecision { AgentId = "router-a", DecisionName = "route", Outcome = "billing" }))
            .ToList();

        Assert.Equal([true, true, true, true, true, false, false, false], taken);
        Assert.Equal(3, publisher.Dropped);
        Assert.Equal(5, publisher.Buffered);
        Assert.Equal(0, publisher.Published);
        Assert.Equal(3, drops.Dropped);

        await publisher.DisposeAsync();

        // Disposing gives up on the buffered events and says so; later events are dropped, not thrown.
        Assert.Equal(5, publisher.Failed);
        Assert.Equal(0, publisher.Buffered);
        Assert.False(publisher.TryPublish(new AgentDecision { AgentId = "router-a", DecisionName = "route", Outcome = "billing" }));
        Assert.Equal(4, publisher.Dropped);
        drops.Dispose();
    }

    [Fact]
    public async Task Constructor_BrokerUnreachable_LibrdkafkaLogGoesToTheLoggerNotToStderr()
    {
        var logger = new ListLogger();
        var stderr = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(stderr);
        try
        {
            await using (var publisher = new DecisionPublisher(new DecisionPublisherOptions
            {
                BootstrapServers = "127.0.0.1:1",
                Topic = $"decisions-{Guid.NewGuid():N}",
                DisposeTimeout = TimeSpan.Zero,
                Logger = logger,
            }))
            {
                publisher.TryPublish(new AgentDecision { AgentId = "a", DecisionName = "route", Outcome = "faq" });
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (!logger.Has(9404) && waited.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(50);
                }
            }
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.True(logger.Has(9404), "librdkafka reported nothing about the refused connection");
        Assert.True(logger.Has(9403), "the undelivered event was not reported at dispose");
        Assert.DoesNotContain("127.0.0.1:1", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoBootstrapServers_ThrowsNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DecisionPublisher(new DecisionPublisherOptions()));

        Assert.Contains("BootstrapServers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_AreTheProductsInputTopicAndAPositiveBuffer()
    {
        var options = new DecisionPublisherOptions();

        Assert.Equal("agent-decisions", options.Topic);
        Assert.Equal(10_000, options.BufferCapacity);
    }

    /// <summary>Sums the "dropped" counter of the DriftWatch.Client meter for one topic.</summary>
    private sealed class DropListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _dropped;

        public DropListener(string topic)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == DecisionPublisher.MeterName && instrument.Name == "driftwatch.client.decisions.dropped")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "messaging.destination.name" && Equals(tag.Value, topic))
                    {
                        Interlocked.Add(ref _dropped, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Dropped => Interlocked.Read(ref _dropped);

        public void Dispose() => _listener.Dispose();
    }

    private sealed class ListLogger : ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<int> _ids = [];

        public bool Has(int eventId) => _ids.Contains(eventId);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => _ids.Add(eventId.Id);
    }
}
