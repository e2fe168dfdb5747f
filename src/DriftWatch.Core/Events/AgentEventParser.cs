namespace DriftWatch.Core.Events;

/// <summary>
/// Parses and validates <c>driftwatch.decision/v1</c> and <c>driftwatch.state/v1</c> messages.
/// </summary>
public static class AgentEventParser
{
    /// <summary>Largest message accepted, in bytes (1 MiB).</summary>
    public const int MaxMessageBytes = 1 << 20;

    /// <summary>Parses one UTF-8 JSON message. Never throws for bad input: the reason is in the result.</summary>
    public static ParseResult Parse(ReadOnlySpan<byte> utf8Json) => throw new NotImplementedException();
}
