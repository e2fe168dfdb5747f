using System.Text.Json.Nodes;

namespace DriftWatch.SampleAgent;

/// <summary>Writes decisions and state changes as <c>driftwatch.decision/v1</c> and <c>driftwatch.state/v1</c> JSON.</summary>
internal static class AgentEvents
{
    public static string Decision(RoutingPolicyRuntime runtime, RoutingDecision decision, string environment) => new JsonObject
    {
        ["schema"] = "driftwatch.decision/v1",
        ["event_id"] = decision.EventId,
        ["agent_id"] = runtime.AgentId,
        ["agent_version"] = runtime.AgentVersion,
        ["environment"] = environment,
        ["timestamp"] = decision.Timestamp.ToString("O"),
        ["decision"] = new JsonObject { ["name"] = "route", ["outcome"] = decision.Queue, ["confidence"] = decision.Confidence },
        ["input"] = new JsonObject
        {
            ["text"] = decision.Ticket.Text,
            ["features"] = new JsonObject
            {
                ["category"] = decision.Ticket.Category,
                ["urgency"] = decision.Ticket.Urgency,
                ["channel"] = decision.Ticket.Channel,
            },
        },
        ["state_version"] = decision.StateVersion,
    }.ToJsonString();

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
