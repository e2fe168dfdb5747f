using System.Diagnostics;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.State;

namespace DriftWatch.Service.Pipeline;

/// <summary>A consumed message, what parsing made of it, and the trace context its processing continues (default: none).</summary>
internal sealed record ParsedMessage(ConsumedMessage Message, ParseResult Result, ActivityContext Trace = default)
{
    internal static readonly ParseResult ControlResult = ParseResult.Fail("control marker");
}

/// <summary>
/// A message whose processing is complete up to the sinks: its results, the state checkpoints to write
/// with it, and the offset its partition may be committed up to once they are written (-1: none).
/// </summary>
internal sealed record ProcessedMessage(
    ConsumedMessage Message,
    ParseResult Result,
    DetectionStep Detection,
    IReadOnlyList<AgentStateRecord>? Checkpoints = null,
    long Commit = -2)
{
    /// <summary>The offset to store for the message's partition: the given one, or right after the message.</summary>
    public long CommitOffset => Commit == -2 ? (Message.IsControl ? -1 : Message.Offset + 1) : Commit;
}
