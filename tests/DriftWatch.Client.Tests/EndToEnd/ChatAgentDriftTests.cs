using DriftWatch.Client.Tests.Chat;
using DriftWatch.Client.Tests.Infrastructure;
using DriftWatch.Core.Events;
using DriftWatch.Otlp.Tests.Interop;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace DriftWatch.Client.Tests.EndToEnd;

/// <summary>
/// A Microsoft.Extensions.AI agent with UseDriftWatch publishes into the embedded cluster; the consumed events,
/// fed to DriftWatch's detection, alert the outcome shift injected midway, and nothing before it.
/// </summary>
public sealed class ChatAgentDriftTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task UseDriftWatch_AgentWhoseRoutingShifts_ConsumedEventsAlertTheShift_FakeChatClient()
    {
        string topic = kafka.NewTopic();
        await using var publisher = kafka.NewPublisher(topic);
        var model = new FakeChatClient();
        // Event time advances one second per ticket, as a steady production agent's would.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        using IChatClient chat = new ChatClientBuilder(model)
            .UseDriftWatch(publisher, o =>
            {
                o.AgentId = "support-router";
                o.DecisionName = "route";
                o.TimeProvider = clock;
                o.OutcomeSelector = r => r.Text;
                o.FeaturesSelector = (_, options) => new Dictionary<string, string> { ["urgency"] = (string)options!.AdditionalProperties!["urgency"]! };
            })
            .UseFunctionInvocation()
            .Build();
        AITool lookup = AIFunctionFactory.Create((string order) => "order 42, charged twice", "lookup_order");

        int total = OutcomeShift.Before + OutcomeShift.After;
        for (int i = 0; i < total; i++)
        {
            model.Answer = OutcomeShift.Outcome(i, shifted: i >= OutcomeShift.Before);
            clock.Advance(TimeSpan.FromSeconds(1));
            await chat.GetResponseAsync(
                [new ChatMessage(ChatRole.User, $"ticket {i}: i was charged twice")],
                new ChatOptions { Tools = [lookup], AdditionalProperties = new() { ["urgency"] = OutcomeShift.Urgency(i) } });
        }

        await publisher.FlushAsync();

        Assert.Equal(total, publisher.Published);
        List<DecisionEvent> events = kafka.Consume(topic, total).Select(m => m.Event).ToList();
        Assert.All(events, e => Assert.Equal("lookup_order", Assert.Single(e.ToolCalls).Name));
        OutcomeShift.AssertShiftAlerted(events);
    }
}
