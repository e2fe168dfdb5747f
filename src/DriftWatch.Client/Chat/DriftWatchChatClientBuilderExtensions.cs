using DriftWatch.Client.Chat;
using Microsoft.Extensions.AI;

namespace DriftWatch.Client;

/// <summary>Adds DriftWatch to a Microsoft.Extensions.AI chat pipeline.</summary>
public static class DriftWatchChatClientBuilderExtensions
{
    /// <summary>
    /// Publishes every completed chat turn as a decision event. Add it before (outside) <c>UseFunctionInvocation</c>
    /// so that one turn, tool calls included, is one decision; inside, every model round trip would be one.
    /// Publishing never throws into the agent and never waits for Kafka.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither AgentId nor AgentName is set.</exception>
    public static ChatClientBuilder UseDriftWatch(this ChatClientBuilder builder, DecisionPublisher publisher, Action<DriftWatchChatOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(publisher);
        var options = new DriftWatchChatOptions();
        configure?.Invoke(options);
        var mapper = new ChatTurnMapper(options);
        return builder.Use(inner => new DriftWatchChatClient(inner, publisher, mapper, options.TimeProvider));
    }
}
