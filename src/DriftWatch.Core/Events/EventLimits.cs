namespace DriftWatch.Core.Events;

/// <summary>
/// Size limits of the event contracts. They bound what one message can cost the stream (memory per
/// event, per-feature state), so a misbehaving producer cannot exhaust a consumer.
/// </summary>
public static class EventLimits
{
    /// <summary>Largest message accepted, in bytes (1 MiB).</summary>
    public const int MaxMessageBytes = 1 << 20;

    /// <summary>Longest identifier, name, key, outcome or categorical value, in characters (Unicode code points).</summary>
    public const int MaxIdentifierLength = 256;

    /// <summary>Longest free text (<c>input.text</c>, <c>output.text</c>), in characters (Unicode code points).</summary>
    public const int MaxTextLength = 32_768;

    /// <summary>Most entries in one string- or number-valued object (features, labels, metrics, segment).</summary>
    public const int MaxMapEntries = 64;

    /// <summary>Most entries in <c>tool_calls</c>.</summary>
    public const int MaxToolCalls = 64;
}
