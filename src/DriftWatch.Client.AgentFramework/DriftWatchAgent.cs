using System.Diagnostics;
using System.Runtime.CompilerServices;
using DriftWatch.Client.Chat;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace DriftWatch.Client.AgentFramework;

/// <summary>
/// Publishes each completed run of the agent it wraps as one decision event: the run's messages hold its
/// tool calls and results whatever chat client or tools the agent uses. The run's result is returned (or its
/// exception rethrown) unchanged; publishing happens after it and cannot fail it.
/// </summary>
internal sealed class DriftWatchAgent : DelegatingAIAgent
{
    private readonly DecisionPublisher _publisher;
    private readonly ChatTurnMapper _mapper;

    public DriftWatchAgent(AIAgent inner, DecisionPublisher publisher, ChatTurnMapper mapper)
        : base(inner)
    {
        _publisher = publisher;
        _mapper = mapper;
    }

    protected override async Task<AgentResponse> RunCoreAsync(
        IEnumerable<ChatMessage> messages, AgentSession? session = null, AgentRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        TimeProvider time = _mapper.Time;
        long start = time.GetTimestamp();
        Activity? activity = Activity.Current;
        ChatOptions? chatOptions = (options as ChatClientAgentRunOptions)?.ChatOptions;
        AgentResponse response;
        try
        {
            response = await base.RunCoreAsync(messages, session, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            ChatTurnMapper.PublishSafely(_publisher, () => _mapper.MapFailure(messages, chatOptions, time.GetElapsedTime(start), activity));
            throw;
        }

        ChatTurnMapper.PublishSafely(_publisher, () => _mapper.Map(messages, chatOptions, response.AsChatResponse(), time.GetElapsedTime(start), activity));
        return response;
    }

    /// <remarks>The run is published when the stream completes; a stream the caller abandons is not a decision.</remarks>
    protected override async IAsyncEnumerable<AgentResponseUpdate> RunCoreStreamingAsync(
        IEnumerable<ChatMessage> messages, AgentSession? session = null, AgentRunOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TimeProvider time = _mapper.Time;
        long start = time.GetTimestamp();
        Activity? activity = Activity.Current;
        ChatOptions? chatOptions = (options as ChatClientAgentRunOptions)?.ChatOptions;
        var updates = new List<AgentResponseUpdate>();
        await foreach (var update in ChatTurnMapper.Capture(
            base.RunCoreStreamingAsync(messages, session, options, cancellationToken),
            updates,
            () => ChatTurnMapper.PublishSafely(_publisher, () => _mapper.MapFailure(messages, chatOptions, time.GetElapsedTime(start), activity)),
            cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }

        ChatTurnMapper.PublishSafely(_publisher, () => _mapper.Map(messages, chatOptions, updates.ToAgentResponse().AsChatResponse(), time.GetElapsedTime(start), activity));
    }
}
