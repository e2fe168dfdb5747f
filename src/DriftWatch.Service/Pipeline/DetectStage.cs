using Akka;
using Akka.Streams.Dsl;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Service.State;
using DriftWatch.Service.Telemetry;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Service.Pipeline;

/// <summary>
/// Feeds valid events to the drift monitor. One stage owns the monitor, so its per-behaviour state is
/// touched by one thread at a time and results follow event order, as in replay. With durable state, the
/// stage also restores agents, skips events their checkpoint already holds, and turns control markers into
/// checkpoints.
/// </summary>
internal static class DetectStage
{
    internal static Flow<ParsedMessage, ProcessedMessage, NotUsed> Create(
        IDriftMonitor monitor,
        PipelineStatistics statistics,
        ILogger logger,
        DurableDetection? durable = null,
        TimeProvider? time = null,
        PipelineInstruments? instruments = null)
    {
        var clock = time ?? TimeProvider.System;
        var meter = instruments ?? PipelineInstruments.Shared;
        return Flow.Create<ParsedMessage>()
            .Select(parsed => Measured(parsed, monitor, statistics, logger, durable, clock, meter))
            .Named("detect");
    }

    /// <summary>
    /// The batch form: every message of a batch in order on the stage's one thread, exactly as
    /// <see cref="Create"/> does one at a time, so results and per-agent order are the same.
    /// </summary>
    internal static Flow<ParsedMessage[], ProcessedMessage[], NotUsed> CreateBatched(
        IDriftMonitor monitor,
        PipelineStatistics statistics,
        ILogger logger,
        DurableDetection? durable = null,
        TimeProvider? time = null,
        PipelineInstruments? instruments = null)
    {
        var clock = time ?? TimeProvider.System;
        var meter = instruments ?? PipelineInstruments.Shared;
        return Flow.Create<ParsedMessage[]>()
            .Select(batch =>
            {
                var processed = new ProcessedMessage[batch.Length];
                for (int i = 0; i < batch.Length; i++)
                {
                    processed[i] = Measured(batch[i], monitor, statistics, logger, durable, clock, meter);
                }

                return processed;
            })
            .Named("detect");
    }

    internal static ProcessedMessage Measured(ParsedMessage parsed, IDriftMonitor monitor, PipelineStatistics statistics, ILogger logger, DurableDetection? durable, TimeProvider time, PipelineInstruments instruments)
    {
        if (parsed.Message.IsControl)
        {
            return Process(parsed, monitor, statistics, logger, durable);
        }

        var started = time.GetTimestamp();
        using var activity = PipelineTracing.StartDetect(parsed.Trace);
        var processed = Process(parsed, monitor, statistics, logger, durable);
        PipelineTracing.AttachAlerts(processed.Detection, activity?.Context ?? parsed.Trace);
        instruments.RecordProcessing(time.GetElapsedTime(started), KindTag(parsed.Result.Kind));
        return processed;
    }

    // Fixed strings, so the tag never allocates and its values stay few.
    private static string KindTag(AgentEventKind kind) => kind switch
    {
        AgentEventKind.Decision => "decision",
        AgentEventKind.State => "state",
        _ => "invalid",
    };

    private static ProcessedMessage Process(ParsedMessage parsed, IDriftMonitor monitor, PipelineStatistics statistics, ILogger logger, DurableDetection? durable)
    {
        if (parsed.Message.IsControl)
        {
            if (durable is null)
            {
                return new ProcessedMessage(parsed.Message, parsed.Result, DetectionStep.Empty);
            }

            var (records, commit) = durable.Control(parsed.Message);
            statistics.CountCheckpoints(records.Count, records.Sum(r => (long)r.Value.Length));
            return new ProcessedMessage(parsed.Message, parsed.Result, DetectionStep.Empty, records, commit);
        }

        if (durable is null)
        {
            return new ProcessedMessage(parsed.Message, parsed.Result, Observe(parsed.Result, monitor, statistics, logger));
        }

        var (step, next) = durable.Observe(parsed.Message, parsed.Result, () => Observe(parsed.Result, monitor, statistics, logger));
        return new ProcessedMessage(parsed.Message, parsed.Result, step, null, next);
    }

    private static DetectionStep Observe(ParseResult result, IDriftMonitor monitor, PipelineStatistics statistics, ILogger logger)
    {
        switch (result.Kind)
        {
            case AgentEventKind.Decision:
                statistics.CountDecision(result.Decision!.AgentId);
                try
                {
                    var step = monitor.Observe(result.Decision);
                    foreach (var alert in step.Alerts)
                    {
                        statistics.AddAlert(alert);
                        PipelineLog.Alert(logger, alert.Key.AgentId, alert.Feature, alert.Summary);
                    }

                    return step;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A detector bug must not stop ingest for every agent; the event still counts as processed.
                    statistics.CountDetectorFailure();
                    PipelineLog.DetectorFailed(logger, ex, result.Decision.EventId, result.Decision.AgentId);
                    return DetectionStep.Empty;
                }

            case AgentEventKind.State:
                statistics.CountState();
                monitor.Observe(result.State!);
                return DetectionStep.Empty;

            default:
                return DetectionStep.Empty;
        }
    }
}
