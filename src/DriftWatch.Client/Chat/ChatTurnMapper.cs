using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace DriftWatch.Client.Chat;

/// <summary>
/// Maps one completed chat turn (its input, options and response) to a decision event. Shared by the chat
/// middleware and the agent-framework middleware, which see the same Microsoft.Extensions.AI contents.
/// </summary>
internal sealed class ChatTurnMapper
{
    /// <summary>Outcome of a turn whose call threw: a rise in failures is a behaviour change too.</summary>
    public const string ErrorOutcome = "error";

    private const string UnknownOutcome = "unknown";
    private readonly DriftWatchChatOptions _options;
    private readonly string _agentId;
    private readonly Dictionary<string, string> _labels;

    public ChatTurnMapper(DriftWatchChatOptions options, string? fallbackAgentId = null)
    {
        _options = options;
        // Compiled into the agent-framework package too, so only the options' public surface is used here.
        _agentId = !string.IsNullOrEmpty(options.AgentId) ? options.AgentId
            : !string.IsNullOrEmpty(options.AgentName) ? options.AgentName
            : !string.IsNullOrEmpty(fallbackAgentId) ? fallbackAgentId
            : throw new InvalidOperationException("DriftWatchChatOptions.AgentId (or AgentName) must be set: it is the agent the decisions belong to.");
        if (string.IsNullOrEmpty(options.DecisionName))
        {
            throw new InvalidOperationException("DriftWatchChatOptions.DecisionName must not be empty.");
        }

        // Copied once: the options object may be changed by its owner later, events should not change with it.
        _labels = new Dictionary<string, string>(options.Labels, StringComparer.Ordinal);
    }

    public TimeProvider Time => _options.TimeProvider;

    /// <summary>
    /// Passes a streamed turn's updates through, keeping each in <paramref name="updates"/>; when the stream
    /// fails (not by cancellation), <paramref name="onFailure"/> runs before the failure goes on to the caller.
    /// </summary>
    public static async IAsyncEnumerable<T> Capture<T>(
        IAsyncEnumerable<T> source, List<T> updates, Action onFailure, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IAsyncEnumerator<T> stream = source.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    onFailure();
                    throw;
                }

                updates.Add(stream.Current);
                yield return stream.Current;
            }
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Publishes a decision built by <paramref name="build"/>; nothing it does may reach the agent.</summary>
    public static void PublishSafely(DecisionPublisher publisher, Func<AgentDecision> build)
    {
        try
        {
            publisher.TryPublish(build());
        }
#pragma warning disable CA1031 // The agent's turn has succeeded; a monitoring failure must not turn it into an error.
        catch (Exception)
#pragma warning restore CA1031
        {
            // A selector that threw or returned something out of range: the event is lost, the agent is not.
        }
    }

    public AgentDecision Map(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, ChatResponse response, TimeSpan latency, Activity? activity)
    {
        string? outcome = _options.OutcomeSelector?.Invoke(response);
        if (string.IsNullOrEmpty(outcome))
        {
            outcome = DefaultOutcome(response);
        }

        return Build(messages, chatOptions, outcome, latency, activity) with
        {
            OutputText = _options.CaptureContent ? response.Text : null,
            ToolCalls = ToolCalls(response.Messages),
            Metrics = Metrics(latency, response.Usage),
            Labels = Labels(response.ModelId ?? chatOptions?.ModelId),
        };
    }

    public AgentDecision MapFailure(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, TimeSpan latency, Activity? activity) =>
        Build(messages, chatOptions, ErrorOutcome, latency, activity) with
        {
            Metrics = Metrics(latency, usage: null),
            Labels = Labels(chatOptions?.ModelId),
        };

    /// <summary>The first function the response called, else its finish reason.</summary>
    internal static string DefaultOutcome(ChatResponse response)
    {
        foreach (ChatMessage message in response.Messages)
        {
            foreach (AIContent content in message.Contents)
            {
                if (content is FunctionCallContent call && !string.IsNullOrEmpty(call.Name))
                {
                    return call.Name;
                }
            }
        }

        return response.FinishReason?.Value is { Length: > 0 } reason ? reason : UnknownOutcome;
    }

    /// <summary>
    /// Every function call of the turn, in order; "ok" or "error" from its result when the turn holds one (a function
    /// invocation layer ran it), no status when the model only asked for it.
    /// </summary>
    internal static List<AgentToolCall>? ToolCalls(IEnumerable<ChatMessage> messages)
    {
        List<FunctionCallContent>? calls = null;
        Dictionary<string, FunctionResultContent>? results = null;
        foreach (ChatMessage message in messages)
        {
            foreach (AIContent content in message.Contents)
            {
                if (content is FunctionCallContent call && !string.IsNullOrEmpty(call.Name))
                {
                    (calls ??= []).Add(call);
                }
                else if (content is FunctionResultContent result && !string.IsNullOrEmpty(result.CallId))
                {
                    (results ??= new(StringComparer.Ordinal))[result.CallId] = result;
                }
            }
        }

        if (calls is null)
        {
            return null;
        }

        var toolCalls = new List<AgentToolCall>(calls.Count);
        foreach (FunctionCallContent call in calls)
        {
            string? status = null;
            if (results is not null && call.CallId is { } id && results.TryGetValue(id, out FunctionResultContent? result))
            {
                status = result.Exception is null ? "ok" : "error";
            }

            toolCalls.Add(new AgentToolCall(call.Name, status));
        }

        return toolCalls;
    }

    private AgentDecision Build(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, string outcome, TimeSpan latency, Activity? activity) => new()
    {
        AgentId = _agentId,
        AgentVersion = _options.AgentVersion,
        Environment = _options.Environment,
        DecisionName = _options.DecisionName,
        Outcome = outcome,
        Timestamp = _options.TimeProvider.GetUtcNow(),
        InputText = _options.CaptureContent ? LastUserText(messages) : null,
        InputFeatures = _options.FeaturesSelector?.Invoke(messages, chatOptions),
        TraceId = activity?.TraceId.ToHexString(),
        SpanId = activity?.SpanId.ToHexString(),
    };

    private static string? LastUserText(IEnumerable<ChatMessage> messages) =>
        messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text;

    private static Dictionary<string, double> Metrics(TimeSpan latency, UsageDetails? usage)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["latency_ms"] = latency.TotalMilliseconds };
        if (usage?.InputTokenCount is { } tokensIn)
        {
            metrics["tokens_in"] = tokensIn;
        }

        if (usage?.OutputTokenCount is { } tokensOut)
        {
            metrics["tokens_out"] = tokensOut;
        }

        return metrics;
    }

    private Dictionary<string, string>? Labels(string? model)
    {
        if (string.IsNullOrEmpty(model) || _labels.ContainsKey("model"))
        {
            return _labels.Count == 0 ? null : _labels;
        }

        return new Dictionary<string, string>(_labels, StringComparer.Ordinal) { ["model"] = model };
    }
}
