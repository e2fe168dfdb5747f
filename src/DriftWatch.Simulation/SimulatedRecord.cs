using DriftWatch.Core.Events;

namespace DriftWatch.Simulation;

/// <summary>One simulated event: exactly one of <see cref="Decision"/> and <see cref="State"/> is set.</summary>
public readonly record struct SimulatedRecord
{
    internal SimulatedRecord(DecisionEvent decision)
    {
        Decision = decision;
    }

    internal SimulatedRecord(StateEvent state)
    {
        State = state;
    }

    /// <summary>The decision event, or null when this record is a state event.</summary>
    public DecisionEvent? Decision { get; }

    /// <summary>The state event, or null when this record is a decision event.</summary>
    public StateEvent? State { get; }

    /// <summary>True for a decision event.</summary>
    public bool IsDecision => Decision is not null;

    /// <summary>The event's timestamp (event time).</summary>
    public DateTimeOffset Timestamp => Decision?.Timestamp ?? State!.Timestamp;

    /// <summary>The agent that produced the event; also its Kafka key.</summary>
    public string AgentId => Decision?.AgentId ?? State!.AgentId;
}
