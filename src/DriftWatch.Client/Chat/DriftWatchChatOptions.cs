using Microsoft.Extensions.AI;

namespace DriftWatch.Client;

/// <summary>How a chat turn becomes a decision event (see <see cref="DriftWatchChatClientBuilderExtensions.UseDriftWatch"/>).</summary>
public sealed class DriftWatchChatOptions
{
    /// <summary>The agent id events carry. Required unless <see cref="AgentName"/> is set.</summary>
    public string? AgentId { get; set; }

    /// <summary>The agent's name; used as the agent id when <see cref="AgentId"/> is not set (as the OTLP mapping does).</summary>
    public string? AgentName { get; set; }

    public string? AgentVersion { get; set; }

    /// <summary>e.g. "staging"; DriftWatch assumes "production" when not set.</summary>
    public string? Environment { get; set; }

    /// <summary>The decision name each turn is published under. Default "chat".</summary>
    public string DecisionName { get; set; } = "chat";

    /// <summary>
    /// Picks the outcome of a completed turn. When null, or when it returns null or empty: the name of the first
    /// function the response called, else the finish reason ("stop", "length", ...), else "unknown".
    /// </summary>
    public Func<ChatResponse, string?>? OutcomeSelector { get; set; }

    /// <summary>
    /// Picks the categorical input features of a turn (the segments DriftWatch compares outcomes within) from its
    /// messages and options, e.g. from <see cref="ChatOptions.AdditionalProperties"/>. Default: none.
    /// </summary>
    public Func<IEnumerable<ChatMessage>, ChatOptions?, IReadOnlyDictionary<string, string>?>? FeaturesSelector { get; set; }

    /// <summary>Labels every event carries (e.g. prompt_version). The response's model id is added as "model".</summary>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Whether the last user message and the reply text are published (<c>input.text</c>, <c>output.text</c>).
    /// Off by default: conversations often hold personal data.
    /// </summary>
    public bool CaptureContent { get; set; }

    /// <summary>Clock for event timestamps and latency. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
