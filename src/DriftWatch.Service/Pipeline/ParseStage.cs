using Akka;
using Akka.Streams.Dsl;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Service.Telemetry;

namespace DriftWatch.Service.Pipeline;

/// <summary>Parse and validate: every message becomes a parse result; nothing is dropped here.</summary>
internal static class ParseStage
{
    /// <summary>Fewest messages worth handing to another thread: below it the hand-over costs more than parsing.</summary>
    internal const int MinChunk = 64;

    internal static Flow<ConsumedMessage, ParsedMessage, NotUsed> Create() =>
        Flow.Create<ConsumedMessage>()
            .Select(Parse)
            .Named("parse");

    /// <summary>
    /// Parses whole batches, keeping their order. Parsing is stateless, so with <paramref name="workers"/> of 2
    /// or more a batch is cut into contiguous chunks parsed on that many threads at once.
    /// </summary>
    internal static Flow<IReadOnlyList<ConsumedMessage>, ParsedMessage[], NotUsed> CreateBatched(int workers) =>
        Flow.Create<IReadOnlyList<ConsumedMessage>>()
            .Select(batch => ParseAll(batch, workers))
            .Named("parse");

    internal static ParsedMessage[] ParseAll(IReadOnlyList<ConsumedMessage> batch, int workers)
    {
        var parsed = new ParsedMessage[batch.Count];
        int chunks = Math.Min(workers, batch.Count / MinChunk);
        if (chunks < 2)
        {
            for (int i = 0; i < parsed.Length; i++)
            {
                parsed[i] = Parse(batch[i]);
            }

            return parsed;
        }

        int size = (batch.Count + chunks - 1) / chunks;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = workers }, chunk =>
        {
            int end = Math.Min(batch.Count, (chunk + 1) * size);
            for (int i = chunk * size; i < end; i++)
            {
                parsed[i] = Parse(batch[i]);
            }
        });
        return parsed;
    }

    private static ParsedMessage Parse(ConsumedMessage message) => new(
        message,
        message.IsControl ? ParsedMessage.ControlResult : AgentEventParser.Parse(message.Value),
        PipelineTracing.Consume(message));
}
