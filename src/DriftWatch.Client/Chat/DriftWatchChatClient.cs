using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace DriftWatch.Client.Chat;

/// <summary>
/// Publishes each completed turn through this client as a decision event. The turn's result is returned (or
/// its exception rethrown) unchanged; publishing happens after it and cannot fail it.
/// </summary>
internal sealed class DriftWatchChatClient : DelegatingChatClient
{
    private readonly DecisionPublisher _publisher;
    private readonly ChatTurnMapper _mapper;
    private readonly TimeProvider _time;

    public DriftWatchChatClient(IChatClient inner, DecisionPublisher publisher, ChatTurnMapper mapper, TimeProvider time)
        : base(inner)
    {
        _publisher = publisher;
        _mapper = mapper;
        _time = time;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        long start = _time.GetTimestamp();
        Activity? activity = Activity.Current;
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            ChatTurnMapper.PublishSafely(_publisher, () => _mapper.MapFailure(messages, options, _time.GetElapsedTime(start), activity));
            throw;
        }

        ChatTurnMapper.PublishSafely(_publisher, () => _mapper.Map(messages, options, response, _time.GetElapsedTime(start), activity));
        return response;
    }

    /// <remarks>The turn is published when the stream completes; a stream the caller abandons is not a decision.</remarks>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long start = _time.GetTimestamp();
        Activity? activity = Activity.Current;
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in ChatTurnMapper.Capture(
            base.GetStreamingResponseAsync(messages, options, cancellationToken),
            updates,
            () => ChatTurnMapper.PublishSafely(_publisher, () => _mapper.MapFailure(messages, options, _time.GetElapsedTime(start), activity)),
            cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }

        ChatTurnMapper.PublishSafely(_publisher, () => _mapper.Map(messages, options, updates.ToChatResponse(), _time.GetElapsedTime(start), activity));
    }
}
