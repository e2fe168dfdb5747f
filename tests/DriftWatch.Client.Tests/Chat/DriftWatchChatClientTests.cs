using DriftWatch.Client.Tests.Infrastructure;
using DriftWatch.Core.Events;
using Microsoft.Extensions.AI;

namespace DriftWatch.Client.Tests.Chat;

public sealed class DriftWatchChatClientTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private static readonly AITool[] Tools =
    [
        AIFunctionFactory.Create((string order) => "order 42, charged twice", "lookup_order"),
        AIFunctionFactory.Create(string (string order) => throw new InvalidOperationException("refunds are closed"), "issue_refund"),
    ];

    [Fact]
    public async Task GetResponseAsync_TurnWithToolCalls_PublishesDecisionWithToolsUsageAndNoContent_FakeChatClient()
    {
        string topic = kafka.NewTopic();
        await using var publisher = kafka.NewPublisher(topic);
        var model = new FakeChatClient();
        using IChatClient chat = new ChatClientBuilder(model)
            .UseDriftWatch(publisher, o =>
            {
                o.AgentId = "support-router";
                o.AgentVersion = "2026.12.0";
                o.Environment = "staging";
                o.DecisionName = "route";
                o.Labels["prompt_version"] = "v12";
                o.FeaturesSelector = (_, options) => new Dictionary<string, string> { ["urgency"] = (string)options!.AdditionalProperties!["urgency"]! };
            })
            .UseFunctionInvocation()
            .Build();

        ChatResponse response = await chat.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "i was charged twice")],
            new ChatOptions { Tools = Tools, AdditionalProperties = new() { ["urgency"] = "high" } });
        await publisher.FlushAsync();

        Assert.Equal("billing", response.Text);
        DecisionEvent e = Assert.Single(kafka.Consume(topic, 1)).Event;
        Assert.Equal("support-router", e.AgentId);
        Assert.Equal("2026.12.0", e.AgentVersion);
        Assert.Equal("staging", e.Environment);
        Assert.Equal("route", e.DecisionName);
        // Default outcome: the first tool the turn called.
        Assert.Equal("lookup_order", e.Outcome);
        Assert.Equal([new ToolCall("lookup_order", "ok", null), new ToolCall("issue_refund", "error", null)], e.ToolCalls);
        Assert.Equal("high", e.InputFeatures["urgency"]);
        Assert.Equal(new Dictionary<string, string> { ["prompt_version"] = "v12", ["model"] = "m-large" }, e.Labels);
        Assert.Equal(80 + 90, e.Metrics["tokens_in"]);
        Assert.Equal(6 + 12, e.Metrics["tokens_out"]);
        Assert.True(e.Metrics.ContainsKey("latency_ms"));
        // Content capture is off unless asked for.
        Assert.Null(e.InputText);
        Assert.Null(e.OutputText);
        Assert.Equal(2, model.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CompletedStreamWithContentCapture_PublishesOneDecision_FakeChatClient()
    {
        string topic = kafka.NewTopic();
        await using var publisher = kafka.NewPublisher(topic);
        using IChatClient chat = new ChatClientBuilder(new FakeChatClient { Answer = "escalate" })
            .UseDriftWatch(publisher, o =>
            {
                o.AgentName = "support-router";
                o.CaptureContent = true;
                o.OutcomeSelector = r => r.Text;
            })
            .UseFunctionInvocation()
            .Build();

        var chunks = new List<string>();
        await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync(
            [new ChatMessage(ChatRole.System, "you route tickets"), new ChatMessage(ChatRole.User, "my account is locked")],
            new ChatOptions { Tools = [Tools[0]] }))
        {
            chunks.Add(update.Text);
        }

        await publisher.FlushAsync();

        Assert.Equal("escalate", string.Concat(chunks));
        DecisionEvent e = Assert.Single(kafka.Consume(topic, 1)).Event;
        Assert.Equal("support-router", e.AgentId);
        Assert.Equal("chat", e.DecisionName);
        Assert.Equal("escalate", e.Outcome);
        Assert.Equal("lookup_order", Assert.Single(e.ToolCalls).Name);
        Assert.Equal("ok", e.ToolCalls[0].Status);
        Assert.Equal("my account is locked", e.InputText);
        Assert.Equal("escalate", e.OutputText);
        Assert.Equal(6 + 12, e.Metrics["tokens_out"]);
    }

    [Fact]
    public async Task GetResponseAsync_NoToolsCalled_OutcomeIsTheFinishReason_FakeChatClient()
    {
        string topic = kafka.NewTopic();
        await using var publisher = kafka.NewPublisher(topic);
        using IChatClient chat = new ChatClientBuilder(new FakeChatClient()).UseDriftWatch(publisher, o => o.AgentId = "a").Build();

        await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);
        await publisher.FlushAsync();

        DecisionEvent e = Assert.Single(kafka.Consume(topic, 1)).Event;
        Assert.Equal("stop", e.Outcome);
        Assert.Empty(e.ToolCalls);
    }

    [Fact]
    public async Task GetResponseAsync_ModelThrows_ExceptionReachesTheAgentAndAnErrorDecisionIsPublished_FakeChatClient()
    {
        string topic = kafka.NewTopic();
        await using var publisher = kafka.NewPublisher(topic);
        var failure = new HttpRequestException("model unavailable");
        using IChatClient chat = new ChatClientBuilder(new FakeChatClient { Failure = failure }).UseDriftWatch(publisher, o => o.AgentId = "a").Build();

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => chat.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));
        await publisher.FlushAsync();

        Assert.Same(failure, thrown);
        Assert.Equal("error", Assert.Single(kafka.Consume(topic, 1)).Event.Outcome);
    }

    [Fact]
    public async Task GetResponseAsync_SelectorThrowsAndPublisherDisposed_TurnStillSucceeds_FakeChatClient()
    {
        var publisher = kafka.NewPublisher(kafka.NewTopic());
        await publisher.DisposeAsync();
        using IChatClient throwing = new ChatClientBuilder(new FakeChatClient())
            .UseDriftWatch(publisher, o => { o.AgentId = "a"; o.OutcomeSelector = _ => throw new InvalidOperationException("bug in the agent's selector"); })
            .Build();
        using IChatClient disposed = new ChatClientBuilder(new FakeChatClient()).UseDriftWatch(publisher, o => o.AgentId = "a").Build();

        Assert.Equal("billing", (await throwing.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")])).Text);
        Assert.Equal("billing", (await disposed.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")])).Text);
        Assert.Equal(1, publisher.Dropped);
    }

    [Fact]
    public async Task UseDriftWatch_NoAgentId_ThrowsNamingTheSetting()
    {
        await using var publisher = kafka.NewPublisher(kafka.NewTopic());

        var ex = Assert.Throws<InvalidOperationException>(() => new ChatClientBuilder(new FakeChatClient()).UseDriftWatch(publisher).Build());

        Assert.Contains("AgentId", ex.Message, StringComparison.Ordinal);
    }
}
