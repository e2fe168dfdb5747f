namespace DriftWatch.Core.Events;

/// <summary>What kind of event a message held.</summary>
public enum AgentEventKind
{
    Invalid,
    Decision,
    State,
}

/// <summary>
/// The outcome of parsing one message: a decision event, a state event, or a precise reason why the
/// message is not a valid event (which goes to the dead-letter topic verbatim).
/// </summary>
public readonly record struct ParseResult
{
    private ParseResult(AgentEventKind kind, DecisionEvent? decision, StateEvent? state, string? error)
    {
        Kind = kind;
        Decision = decision;
        State = state;
        Error = error;
    }

    public AgentEventKind Kind { get; }
    public DecisionEvent? Decision { get; }
    public StateEvent? State { get; }

    /// <summary>Why the message was rejected, naming the offending field; null when valid.</summary>
    public string? Error { get; }

    public bool IsValid => Kind != AgentEventKind.Invalid;

    public static ParseResult Ok(DecisionEvent e) => new(AgentEventKind.Decision, e ?? throw new ArgumentNullException(nameof(e)), null, null);
    public static ParseResult Ok(StateEvent e) => new(AgentEventKind.State, null, e ?? throw new ArgumentNullException(nameof(e)), null);
    public static ParseResult Fail(string error) => new(AgentEventKind.Invalid, null, null, error);
}
