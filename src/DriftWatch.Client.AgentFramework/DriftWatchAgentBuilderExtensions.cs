using DriftWatch.Client.AgentFramework;
using DriftWatch.Client.Chat;
using Microsoft.Agents.AI;

namespace DriftWatch.Client;

/// <summary>Adds DriftWatch to a Microsoft Agent Framework agent pipeline.</summary>
public static class DriftWatchAgentBuilderExtensions
{
    /// <summary>
    /// Publishes every completed run of the agent as a decision event, its tool calls included. The agent id is
    /// <see cref="DriftWatchChatOptions.AgentId"/>, else <see cref="DriftWatchChatOptions.AgentName"/>, else the
    /// agent's own name, else its id. Publishing never throws into the agent and never waits for Kafka.
    /// </summary>
    public static AIAgentBuilder UseDriftWatch(this AIAgentBuilder builder, DecisionPublisher publisher, Action<DriftWatchChatOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(publisher);
        var options = new DriftWatchChatOptions();
        configure?.Invoke(options);
        return builder.Use(inner => new DriftWatchAgent(inner, publisher, new ChatTurnMapper(options, inner.Name ?? inner.Id)));
    }
}
