using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Benchmarks.Ingest;

/// <summary>
/// DriftWatch's Kafka source and parse/validate stage, acknowledged in batches as the pipeline does, without
/// detection or sinks: what reading events costs before any analysis.
/// </summary>
internal sealed class SourceParseMode : IIngestMode
{
    public string Name => "source+parse";

    public string Description => "KafkaEventConsumer -> ChannelSource -> ParseStage -> batched acknowledge";

    public async Task<Measurement> MeasureAsync(string bootstrapServers, string topic, string group, int messages, TimeSpan timeout)
    {
        var options = new KafkaConsumerOptions { BootstrapServers = bootstrapServers, GroupId = group };
        options.Topics.Clear();
        options.Topics.Add(topic);
        using var system = ActorSystem.Create("ingest-benchmark");
        await using var consumer = new KafkaEventConsumer(options, NullLogger<KafkaEventConsumer>.Instance);
        long invalid = 0;
        consumer.Start();
        var run = ChannelSource.FromReader(consumer.Reader)
            .Via(ParseStage.Create())
            .GroupedWithin(1000, TimeSpan.FromMilliseconds(200))
            .RunForeach(
                batch =>
                {
                    var list = batch as IReadOnlyList<ParsedMessage> ?? batch.ToList();
                    var messagesOfBatch = new List<ConsumedMessage>(list.Count);
                    foreach (var parsed in list)
                    {
                        if (parsed.Result.Kind == AgentEventKind.Invalid)
                        {
                            invalid++;
                        }

                        messagesOfBatch.Add(parsed.Message);
                    }

                    consumer.Acknowledge(messagesOfBatch);
                },
                system.Materializer());

        var measurement = await Progress.TimeAsync(() => consumer.Consumed > 0, () => consumer.Acknowledged >= messages, run, timeout, Name);
        consumer.StopFetching();
        await run;
        await consumer.CloseAsync(CancellationToken.None);
        await system.Terminate();
        return invalid == 0 ? measurement : throw new InvalidOperationException($"{invalid} benchmark events did not parse.");
    }
}
