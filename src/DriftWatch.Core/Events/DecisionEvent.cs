namespace DriftWatch.Core.Events;

/// <summary>
/// One decision an agent made: the <c>driftwatch.decision/v1</c> contract (see docs/contracts.md).
/// Instances are produced by <see cref="AgentEventParser"/>, which has already validated them.
/// </summary>
public sealed record DecisionEvent
{
    /// <summary>Schema identifier carried by every decision event.</summary>
    public const string SchemaId = "driftwatch.decision/v1";

    /// <summary>Environment assumed when an event does not name one.</summary>
    public const string DefaultEnvironment = "production";

    public required string EventId { get; init; }
    public required string AgentId { get; init; }
    public string? AgentVersion { get; init; }
    public string Environment { get; init; } = DefaultEnvironment;
    public required DateTimeOffset Timestamp { get; init; }
    public required string DecisionName { get; init; }
    public required string Outcome { get; init; }

    /// <summary>Decision confidence in [0, 1], when the agent reports one.</summary>
    public double? Confidence { get; init; }

    public string? InputText { get; init; }

    /// <summary>Categorical input features (<c>input.features</c>), string-valued.</summary>
    public IReadOnlyDictionary<string, string> InputFeatures { get; init; } = EmptyStrings;

    public string? OutputText { get; init; }

    /// <summary>Reply sentiment in [-1, 1], when the agent reports one.</summary>
    public double? Sentiment { get; init; }

    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];

    /// <summary>Numeric metrics (<c>metrics</c>), e.g. latency_ms, tokens_in.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = EmptyNumbers;

    /// <summary>Categorical labels (<c>labels</c>), e.g. model, prompt_version.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyStrings;

    public string? StateVersion { get; init; }

    /// <summary>
    /// W3C trace id (32 lower-case hex digits) of the trace the decision was made in, when known
    /// (e.g. a decision that arrived as an OpenTelemetry span). Not a feature: it links an event to its trace.
    /// </summary>
    public string? TraceId { get; init; }

    /// <summary>W3C span id (16 lower-case hex digits) of the span the decision came from, when known.</summary>
    public string? SpanId { get; init; }

    /// <summary>The agent that handed this decision to this agent (multi-agent systems), when known.</summary>
    public string? ParentAgentId { get; init; }

    /// <summary>The key DriftWatch keeps behaviour state under.</summary>
    public BehaviourKey Key => new(AgentId, Environment, DecisionName);

    internal static readonly IReadOnlyDictionary<string, string> EmptyStrings = new Dictionary<string, string>();
    internal static readonly IReadOnlyDictionary<string, double> EmptyNumbers = new Dictionary<string, double>();
}

/// <summary>One tool call made while reaching a decision.</summary>
public sealed record ToolCall(string Name, string? Status, double? LatencyMs);

/// <summary>Behaviour is tracked per agent, environment and decision name.</summary>
public readonly record struct BehaviourKey(string AgentId, string Environment, string DecisionName)
{
    public override string ToString() => $"{AgentId}/{Environment}/{DecisionName}";
}
