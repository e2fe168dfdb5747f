using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace DriftWatch.Client.Tests.Chat;

/// <summary>
/// A deterministic stand-in for a model (no model can run here): when tools are offered and none has answered
/// yet, it asks for each of them once; then it answers <see cref="Answer"/>. Streaming splits the same replies
/// into updates. Everything around it (function invocation, the DriftWatch middleware, Kafka) is real.
/// </summary>
internal sealed class FakeChatClient : IChatClient
{
    public string Answer { get; set; } = "billing";

    public Exception? Failure { get; set; }

    public int Calls { get; private set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        if (Failure is not null)
        {
            throw Failure;
        }

        bool toolsAnswered = messages.Any(m => m.Contents.OfType<FunctionResultContent>().Any());
        if (!toolsAnswered && options?.Tools is { Count: > 0 } tools)
        {
            var calls = tools.Select((t, i) => (AIContent)new FunctionCallContent($"call-{Calls}-{i}", t.Name, new Dictionary<string, object?> { ["order"] = "42" })).ToList();
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, calls))
            {
                ModelId = "m-large",
                FinishReason = ChatFinishReason.ToolCalls,
                Usage = new UsageDetails { InputTokenCount = 80, OutputTokenCount = 6 },
            });
        }

        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer))
        {
            ModelId = "m-large",
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = 90, OutputTokenCount = 12 },
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChatResponse response = await GetResponseAsync(messages, options, cancellationToken);
        ChatMessage reply = response.Messages[0];
        string text = reply.Text;
        if (text.Length > 1)
        {
            // Text arrives in two chunks, usage and finish reason with the last, as model streams do.
            yield return new ChatResponseUpdate(ChatRole.Assistant, text[..(text.Length / 2)]) { MessageId = "m1", ModelId = response.ModelId };
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new TextContent(text[(text.Length / 2)..]), new UsageContent(response.Usage!)])
            {
                MessageId = "m1",
                FinishReason = response.FinishReason,
            };
        }
        else
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [.. reply.Contents, new UsageContent(response.Usage!)])
            {
                MessageId = "m1",
                ModelId = response.ModelId,
                FinishReason = response.FinishReason,
            };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
