namespace DriftWatch.Client;

/// <summary>
/// One decision an agent made, as published in the <c>driftwatch.decision/v1</c> contract (docs/contracts.md).
/// Only <see cref="AgentId"/>, <see cref="DecisionName"/> and <see cref="Outcome"/> are required; everything
/// else is left out of the message when not set.
/// </summary>
public sealed record AgentDecision
{
    /// <summary>The agent; also the Kafka key, so one agent's decisions stay in order on one partition.</summary>
    public required string AgentId { get; init; }

    /// <summary>What kind of decision this is (e.g. "route"); behaviour is tracked per agent, environment and name.</summary>
    public required string DecisionName { get; init; }

    /// <summary>What was decided (e.g. the queue a ticket went to).</summary>
    public required string Outcome { get; init; }

    /// <summary>Unique id of this event; a new GUID when not set.</summary>
    public string? EventId { get; init; }

    /// <summary>When the decision was made; the publisher's clock when not set.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    public string? AgentVersion { get; init; }

    /// <summary>e.g. "staging"; DriftWatch assumes "production" when not set.</summary>
    public string? Environment { get; init; }

    /// <summary>Decision confidence in [0, 1].</summary>
    public double? Confidence { get; init; }

    public string? InputText { get; init; }

    /// <summary>Categorical input features (<c>input.features</c>): the segments DriftWatch compares outcomes within.</summary>
    public IReadOnlyDictionary<string, string>? InputFeatures { get; init; }

    public string? OutputText { get; init; }

    /// <summary>Reply sentiment in [-1, 1].</summary>
    public double? Sentiment { get; init; }

    public IReadOnlyList<AgentToolCall>? ToolCalls { get; init; }

    /// <summary>Numeric metrics, e.g. latency_ms, tokens_in, tokens_out. Finite numbers only.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>Categorical labels, e.g. model, prompt_version.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Version of the agent's state (memory, policy) the decision was made with.</summary>
    public string? StateVersion { get; init; }

    /// <summary>W3C trace id (32 lower-case hex digits) linking the decision to its trace.</summary>
    public string? TraceId { get; init; }

    /// <summary>W3C span id (16 lower-case hex digits).</summary>
    public string? SpanId { get; init; }

    /// <summary>The agent that handed this decision to this agent, in multi-agent systems.</summary>
    public string? ParentAgentId { get; init; }
}

/// <summary>One tool call made while reaching a decision.</summary>
/// <param name="Name">The tool's name.</param>
/// <param name="Status">"ok" or "error" (or any short status); left out when null.</param>
/// <param name="LatencyMs">How long the call took, in milliseconds; left out when null.</param>
public sealed record AgentToolCall(string Name, string? Status = null, double? LatencyMs = null);
