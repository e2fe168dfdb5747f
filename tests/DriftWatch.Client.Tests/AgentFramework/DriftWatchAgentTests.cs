using DriftWatch.Client.Tests.Chat;
using DriftWatch.Client.Tests.Infrastructure;
using DriftWatch.Core.Events;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace DriftWatch.Client.Tests.AgentFramework;

/// <summary>A real Microsoft Agent Framework ChatClientAgent (with its own tool calling) over the fake model.</summary>
public sealed class DriftWatchAgentTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private static readonly AITool[] Tools =
    [
        AIFunctionFactory.Create((string order) => "order 42, charged twice", "lookup_order"),
        AIFunctionFactory.Create(string (string order) => throw new InvalidOperationException("refunds are closed"), "issue_refund"),
    ];

    [Fact]
    public async Task RunAsync_AgentCallsTools_OneDecisionNamedAfterTheAgentWithItsToolCalls_FakeChatClient()
    {
        string topic = kafka.NewTopic();
        await using var publisher = kafka.NewPublisher(topic);
        AIAgent agent = new ChatClientAgent(new FakeChatClient { Answer = "billing" }, instructions: "route tickets", name: "support-router", tools: Tools)
            .AsBuilder()
            .UseDriftWatch(publisher, o =>
            {
                o.DecisionName = "route";
                o.Environment = "staging";
                o.OutcomeSelector = r => r.Text;
            })
            .Build();

        AgentResponse response = await agent.RunAsync("i was charged twice");
        await publisher.FlushAsync();

        Assert.Equal("billing", response.Text);
        DecisionEvent e = Assert.Single(kafka.Consume(topic, 1)).Event;
        Assert.Equal("support-router", e.AgentId);
        Assert.Equal("staging", e.Environment);
        Assert.Equal("route", e.DecisionName);
        Assert.Equal("billing", e.Outcome);
        Assert.Equal([new ToolCall("lookup_order", "ok", null), new ToolCall("issue_refund", "error", null)], e.ToolCalls);
        Assert.Equal(80 + 90, e.Metrics["tokens_in"]);
        Assert.Null(e.InputText);
        Assert.Null(e.OutputText);
    }

    [Fact]
    public async Task RunStreamingAsync_CompletedRunWithContentCapture_PublishesOneDecision_FakeChatClient()
    {
        string topic = kafka.NewTopic();
        await using var publisher = kafka.NewPublisher(topic);
        AIAgent agent = new ChatClientAgent(new FakeChatClient { Answer = "escalate" }, name: "support-router", tools: [Tools[0]])
            .AsBuilder()
            .UseDriftWatch(publisher, o =>
            {
                o.AgentId = "router-7";
                o.CaptureContent = true;
            })
            .Build();

        var text = new List<string>();
        await foreach (AgentResponseUpdate update in agent.RunStreamingAsync("my account is locked"))
        {
            text.Add(update.Text);
        }

        await publisher.FlushAsync();

        Assert.Equal("escalate", string.Concat(text));
        DecisionEvent e = Assert.Single(kafka.Consume(topic, 1)).Event;
        Assert.Equal("router-7", e.AgentId);
        Assert.Equal("chat", e.DecisionName);
        // Default outcome: the first tool the run called.
        Assert.Equal("lookup_order", e.Outcome);
        Assert.Equal("ok", Assert.Single(e.ToolCalls).Status);
        Assert.Equal("my account is locked", e.InputText);
        Assert.Equal("escalate", e.OutputText);
    }

    [Fact]
    public async Task RunAsync_ModelThrows_ExceptionReachesTheCallerAndAnErrorDecisionIsPublished_FakeChatClient()
    {
        string topic = kafka.NewTopic();
        await using var publisher = kafka.NewPublisher(topic);
        var failure = new HttpRequestException("model unavailable");
        AIAgent agent = new ChatClientAgent(new FakeChatClient { Failure = failure }, name: "support-router")
            .AsBuilder()
            .UseDriftWatch(publisher)
            .Build();

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => agent.RunAsync("hi"));
        await publisher.FlushAsync();

        Assert.Same(failure, thrown);
        DecisionEvent e = Assert.Single(kafka.Consume(topic, 1)).Event;
        Assert.Equal("support-router", e.AgentId);
        Assert.Equal("error", e.Outcome);
    }
}
