using Akka;
using Akka.Streams.Dsl;
using DriftWatch.Kafka.Producing;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Service.Pipeline;

/// <summary>
/// Sends invalid messages to the dead-letter topic and passes every message on, so the invalid ones are
/// committed only after the broker acknowledged their dead letter (or refused it for good: then the
/// message is skipped with a record, so no message can stop the stream).
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
                await PublishIfInvalidAsync(parsed, publisher, statistics, logger, cancellationToken).ConfigureAwait(false);
                return parsed;
            })
            .Named("dead-letter");

    /// <summary>
    /// The batch form: a batch of valid messages passes at once; the invalid ones of a batch are sent
    /// <see cref="Parallelism"/> at a time, and the batch moves on when all of them are settled.
    /// </summary>
    internal static Flow<ParsedMessage[], ParsedMessage[], NotUsed> CreateBatched(
        DeadLetterPublisher publisher,
        PipelineStatistics statistics,
        ILogger logger,
        CancellationToken cancellationToken) =>
        Flow.Create<ParsedMessage[]>()
            .SelectAsync(1, async batch =>
            {
                List<Task>? sending = null;
                foreach (var parsed in batch)
                {
                    if (parsed.Result.IsValid || parsed.Message.IsControl)
                    {
                        continue;
                    }

                    sending ??= new List<Task>(Parallelism);
                    sending.Add(PublishIfInvalidAsync(parsed, publisher, statistics, logger, cancellationToken));
                    if (sending.Count == Parallelism)
                    {
                        await Task.WhenAll(sending).ConfigureAwait(false);
                        sending.Clear();
                    }
                }

                if (sending is { Count: > 0 })
                {
                    await Task.WhenAll(sending).ConfigureAwait(false);
                }

                return batch;
            })
            .Named("dead-letter");

    private static async Task PublishIfInvalidAsync(ParsedMessage parsed, DeadLetterPublisher publisher, PipelineStatistics statistics, ILogger logger, CancellationToken cancellationToken)
    {
        if (parsed.Result.IsValid || parsed.Message.IsControl)
        {
            return;
        }

        var reason = parsed.Result.Error ?? "invalid event";
        var message = parsed.Message;
        var result = await publisher.PublishAsync(message, reason, cancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case DeadLetterOutcome.Skipped:
                // Refused for good: stopping here would stop on it again at every restart. The
                // record is this log line and the counter; the message stays at its source offset.
                statistics.CountDeadLetterSkipped();
                PipelineLog.DeadLetterSkipped(logger, message.Topic, message.Partition, message.Offset, message.Value.Length, reason, result.Error ?? "unknown");
                break;
            case DeadLetterOutcome.PublishedTruncated:
                statistics.CountDeadLetter();
                PipelineLog.DeadLetteredTruncated(logger, message.Topic, message.Partition, message.Offset, message.Value.Length, reason);
                break;
            default:
                statistics.CountDeadLetter();
                PipelineLog.DeadLettered(logger, message.Topic, message.Partition, message.Offset, reason);
                break;
        }
    }
}
