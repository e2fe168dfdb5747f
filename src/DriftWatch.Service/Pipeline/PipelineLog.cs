using Microsoft.Extensions.Logging;

namespace DriftWatch.Service.Pipeline;

internal static partial class PipelineLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Dead-lettered {Topic}[{Partition}]@{Offset}: {Reason}")]
    internal static partial void DeadLettered(ILogger logger, string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Detector failed on event {EventId} of {Agent}; the event is committed without detection")]
    internal static partial void DetectorFailed(ILogger logger, Exception exception, string eventId, string agent);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Sink {Sink} is down ({Error}); retrying with backoff, offsets are held until it recovers")]
    internal static partial void SinkDown(ILogger logger, string sink, string error);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Sink {Sink} recovered after {Attempts} attempt(s)")]
    internal static partial void SinkRecovered(ILogger logger, string sink, int attempts);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Pipeline started: topics {Topics}, group {GroupId}, dead letters to {DeadLetterTopic}")]
    internal static partial void Started(ILogger logger, string topics, string groupId, string deadLetterTopic);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Draining: no new messages are taken; in-flight events finish and are committed")]
    internal static partial void Draining(ILogger logger);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Pipeline stopped: {Events} events, {StateEvents} state events, {DeadLettered} dead-lettered, {Alerts} alerts")]
    internal static partial void Stopped(ILogger logger, long events, long stateEvents, long deadLettered, int alerts);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Error, Message = "Pipeline failed; uncommitted events will be redelivered on restart")]
    internal static partial void Failed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Drift alert {Agent} {Feature}: {Summary}")]
    internal static partial void Alert(ILogger logger, string agent, string feature, string summary);

    [LoggerMessage(EventId = 2051, Level = LogLevel.Warning, Message = "Dead-lettered {Topic}[{Partition}]@{Offset} truncated ({Size} bytes): {Reason}")]
    internal static partial void DeadLetteredTruncated(ILogger logger, string topic, int partition, long offset, int size, string reason);

    [LoggerMessage(EventId = 2052, Level = LogLevel.Error, Message = "Skipped {Topic}[{Partition}]@{Offset} ({Size} bytes, invalid: {Reason}): the dead-letter topic refused it ({Error}); the stream goes on")]
    internal static partial void DeadLetterSkipped(ILogger logger, string topic, int partition, long offset, int size, string reason, string error);
}
