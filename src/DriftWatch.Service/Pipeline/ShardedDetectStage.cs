using System.Runtime.ExceptionServices;
using Akka;
using Akka.Streams.Dsl;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.State;
using DriftWatch.Service.State;
using DriftWatch.Service.Telemetry;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Service.Pipeline;

/// <summary>One detection shard: a monitor owning the agents <see cref="AgentShards.Of"/> gives it, and its durable state (or null).</summary>
internal sealed record DetectionShard(IDriftMonitor Monitor, DurableDetection? Durable = null);

/// <summary>
/// Detection spread over shards, batch by batch: a batch is cut at control markers, each piece's events go
/// to their agents' shards, every shard runs its events in order on its own thread, and the results are put
/// back in message order before the batch moves on. So every agent sees its events in order on one monitor,
/// and a batch leaves only when all of its messages are done: a slow shard holds the batch, and with it the
/// commit of every later message of the partition. Markers run between pieces, on every shard.
/// </summary>
internal static class ShardedDetectStage
{
    internal static Flow<ParsedMessage[], ProcessedMessage[], NotUsed> Create(
        IReadOnlyList<DetectionShard> shards,
        PipelineStatistics statistics,
        ILogger logger,
        TimeProvider? time = null,
        PipelineInstruments? instruments = null)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
        {
            throw new ArgumentException("At least one detection shard is needed.", nameof(shards));
        }

        if (shards.Count == 1)
        {
            return DetectStage.CreateBatched(shards[0].Monitor, statistics, logger, shards[0].Durable, time, instruments);
        }

        var clock = time ?? TimeProvider.System;
        var meter = instruments ?? PipelineInstruments.Shared;
        return Flow.Create<ParsedMessage[]>()
            .Select(batch => Detect(batch, shards, statistics, logger, clock, meter))
            .Named("detect");
    }

    internal static ProcessedMessage[] Detect(ParsedMessage[] batch, IReadOnlyList<DetectionShard> shards, PipelineStatistics statistics, ILogger logger, TimeProvider time, PipelineInstruments instruments)
    {
        var processed = new ProcessedMessage[batch.Length];
        int start = 0;
        for (int i = 0; i <= batch.Length; i++)
        {
            if (i < batch.Length && !batch[i].Message.IsControl)
            {
                continue;
            }

            DetectPiece(batch, start, i, processed, shards, statistics, logger, time, instruments);
            if (i < batch.Length)
            {
                processed[i] = Control(batch[i], shards, statistics);
            }

            start = i + 1;
        }

        return processed;
    }

    private static void DetectPiece(ParsedMessage[] batch, int start, int end, ProcessedMessage[] processed, IReadOnlyList<DetectionShard> shards, PipelineStatistics statistics, ILogger logger, TimeProvider time, PipelineInstruments instruments)
    {
        if (start >= end)
        {
            return;
        }

        var owned = new List<int>?[shards.Count];
        for (int i = start; i < end; i++)
        {
            // Invalid messages have no agent; any one shard notes them (durable state counts them as seen).
            int shard = AgentOf(batch[i].Result) is { } agent ? AgentShards.Of(agent, shards.Count) : batch[i].Message.Partition % shards.Count;
            (owned[shard] ??= []).Add(i);
        }

        try
        {
            Parallel.For(0, shards.Count, new ParallelOptions { MaxDegreeOfParallelism = shards.Count }, s =>
            {
                if (owned[s] is not { } mine)
                {
                    return;
                }

                var shard = shards[s];
                foreach (int i in mine)
                {
                    processed[i] = DetectStage.Measured(batch[i], shard.Monitor, statistics, logger, shard.Durable, time, instruments);
                }
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count >= 1)
        {
            ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }

        if (shards[0].Durable is null)
        {
            return;
        }

        // A shard's commit offset knows only its own agents; an agent of another shard that absorbed an earlier
        // event of the partition and is not checkpointed holds the commit too. Dirty agents change only at
        // markers, which never fall inside a piece, so the limits at the piece's end are the ones that held.
        for (int i = start; i < end; i++)
        {
            var message = processed[i].Message;
            long limit = processed[i].CommitOffset;
            foreach (var shard in shards)
            {
                limit = Math.Min(limit, shard.Durable!.CommitLimit(message.Topic, message.Partition));
            }

            if (limit != processed[i].CommitOffset)
            {
                processed[i] = processed[i] with { Commit = limit };
            }
        }
    }

    private static ProcessedMessage Control(ParsedMessage marker, IReadOnlyList<DetectionShard> shards, PipelineStatistics statistics)
    {
        if (shards[0].Durable is null)
        {
            return new ProcessedMessage(marker.Message, marker.Result, DetectionStep.Empty);
        }

        // Every shard checkpoints its dirty agents of the partition; once all records are written, the partition
        // is safe up to the last message any shard saw of it.
        var records = new List<AgentStateRecord>();
        long commit = -1;
        foreach (var shard in shards)
        {
            var (written, next) = shard.Durable!.Control(marker.Message);
            records.AddRange(written);
            commit = Math.Max(commit, next);
        }

        statistics.CountCheckpoints(records.Count, records.Sum(r => (long)r.Value.Length));
        return new ProcessedMessage(marker.Message, marker.Result, DetectionStep.Empty, records, commit);
    }

    private static string? AgentOf(ParseResult result) => result.Kind switch
    {
        AgentEventKind.Decision => result.Decision!.AgentId,
        AgentEventKind.State => result.State!.AgentId,
        _ => null,
    };
}
