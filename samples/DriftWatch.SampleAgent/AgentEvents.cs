using System.Text.Json.Nodes;
using DriftWatch.Client;

namespace DriftWatch.SampleAgent;

/// <summary>
/// Decisions as DriftWatch.Client events (the client writes the <c>driftwatch.decision/v1</c> JSON), state changes
/// as <c>driftwatch.state/v1</c> JSON (the client does not publish state changes).
/// </summary>
internal static class AgentEvents
{
    public static AgentDecision Decision(RoutingPolicyRuntime runtime, RoutingDecision decision, string environment) => new()
    {
        EventId = decision.EventId,
        AgentId = runtime.AgentId,
        AgentVersion = runtime.AgentVersion,
        Environment = environment,
        Timestamp = decision.Timestamp,
        DecisionName = "route",
        Outcome = decision.Queue,
        Confidence = decision.Confidence,
        InputText = decision.Ticket.Text,
        InputFeatures = new Dictionary<string, string>
        {
            ["category"] = decision.Ticket.Category,
            ["urgency"] = decision.Ticket.Urgency,
            ["channel"] = decision.Ticket.Channel,
        },
        StateVersion = decision.StateVersion,
    };

    public static string State(RoutingPolicyRuntime runtime, StateChange change, string environment)
    {
        var json = new JsonObject
        {
            ["schema"] = "driftwatch.state/v1",
            ["event_id"] = change.EventId,
            ["agent_id"] = runtime.AgentId,
            ["environment"] = environment,
            ["timestamp"] = change.Timestamp.ToString("O"),
            ["key"] = change.Key,
            ["op"] = change.Value is null ? "delete" : "set",
            ["state_version"] = change.StateVersion,
        };
        if (change.Value is not null)
        {
            json["value"] = change.Value.DeepClone();
        }

        // Keys of the form route/urgency=high apply to one input segment.
        var equals = change.Key.IndexOf('=', StringComparison.Ordinal);
        var slash = change.Key.IndexOf('/', StringComparison.Ordinal);
        if (equals > slash && slash >= 0)
        {
            json["segment"] = new JsonObject { [change.Key[(slash + 1)..equals]] = change.Key[(equals + 1)..] };
        }

        return json.ToJsonString();
    }
}
