using Akka;
using Akka.Streams.Dsl;
using DriftWatch.Kafka.Producing;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Service.Pipeline;

/// <summary>
/// Sends invalid messages to the dead-letter topic and passes every message on, so the invalid ones are
/// committed only after the broker acknowledged their dead letter.
/// </summary>
internal static class DeadLetterStage
{
    private const int Parallelism = 4;

    internal static Flow<ParsedMessage, ParsedMessage, NotUsed> Create(
        DeadLetterPublisher publisher,
        PipelineStatistics statistics,
        ILogger logger,
        CancellationToken cancellationToken) =>
        Flow.Create<ParsedMessage>()
            .SelectAsync(Parallelism, async parsed =>
            {
                if (parsed.Result.IsValid || parsed.Message.IsControl)
                {
                    return parsed;
                }

                var reason = parsed.Result.Error ?? "invalid event";
                await publisher.PublishAsync(parsed.Message, reason, cancellationToken).ConfigureAwait(false);
                statistics.CountDeadLetter();
                PipelineLog.DeadLettered(logger, parsed.Message.Topic, parsed.Message.Partition, parsed.Message.Offset, reason);
                return parsed;
            })
            .Named("dead-letter");
}
