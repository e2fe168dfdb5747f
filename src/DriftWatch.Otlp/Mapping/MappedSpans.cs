using DriftWatch.Core.Events;

namespace DriftWatch.Otlp.Mapping;

/// <summary>
/// A decision span, mapped but not yet joined with its tool-call children. <see cref="Event"/> has no
/// tool calls; <see cref="ToolCallJoiner"/> adds them.
/// </summary>
internal sealed record DecisionSpan(DecisionEvent Event, string TraceId, string SpanId, string? ParentSpanId);

/// <summary>An <c>execute_tool</c> span: the tool call it becomes and the span it belongs to.</summary>
internal sealed record ToolSpan(string TraceId, string ParentSpanId, ToolCall Call, DateTimeOffset End);

/// <summary>What one export request held: decisions, tool calls, and the spans that were rejected.</summary>
internal sealed class MappedSpans
{
    public List<DecisionSpan> Decisions { get; } = [];

    public List<ToolSpan> ToolSpans { get; } = [];

    /// <summary>Spans that looked like decisions but could not be mapped (no agent, invalid value, bad id).</summary>
    public long Rejected { get; set; }

    /// <summary>Why the first rejected span was rejected (OTLP's partial-success error message).</summary>
    public string? FirstError { get; set; }

    /// <summary>Spans that are neither decisions nor tool calls; ignored, as the contract says.</summary>
    public long Ignored { get; set; }

    /// <summary>The latest span end time seen, for event-time waits (replay, Kafka).</summary>
    public DateTimeOffset LatestEnd { get; set; } = DateTimeOffset.MinValue;

    public void Reject(string error)
    {
        Rejected++;
        FirstError ??= error;
    }
}
