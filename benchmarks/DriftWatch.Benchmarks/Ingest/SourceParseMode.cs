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
internal sealed class SourceParseMode(int workers) : IIngestMode
{
    public string Name => $"source+parse/{workers}w";

    public string Description => $"KafkaEventConsumer batches -> ChannelSource -> ParseStage on {workers} worker(s) -> batched acknowledge";

    public async Task<Measurement> MeasureAsync(string bootstrapServers, string topic, string group, int messages, TimeSpan timeout)
    {
        var options = Progress.Consumer(bootstrapServers, topic, group);
        using var system = ActorSystem.Create("ingest-benchmark");
        await using var consumer = new KafkaEventConsumer(options, NullLogger<KafkaEventConsumer>.Instance);
        long invalid = 0;
        consumer.Start();
        var run = ChannelSource.FromReader(consumer.Batches)
            .Via(ParseStage.CreateBatched(workers))
            .RunForeach(
                batch =>
                {
                    var messagesOfBatch = new List<ConsumedMessage>(batch.Length);
                    foreach (var parsed in batch)
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
