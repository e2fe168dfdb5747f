using System.Diagnostics;
using DriftWatch.Core.Events;
using DriftWatch.Otlp.Ingest;
using Microsoft.Extensions.AI;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DriftWatch.Otlp.Tests.Interop;

/// <summary>
/// The OpenTelemetry .NET SDK's own OTLP exporter (HTTP/protobuf), fed by a Microsoft.Extensions.AI chat client
/// with UseOpenTelemetry and function invocation around a deterministic fake model, into the receiver.
/// </summary>
public sealed class DotNetSdkInteropTests
{
    private const string AgentSource = "Support.Agent";
    private const string ChatSource = "Support.Agent.Chat";

    [Fact]
    public async Task OtlpExporter_MeaiAgentWithOutcomeShift_SpansBecomeDecisionsAndShiftIsAlerted()
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpIngestOptions());
        using (var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("support-router", serviceVersion: "2026.12.0")
                .AddAttributes([new("deployment.environment.name", "staging")]))
            .AddSource(AgentSource, ChatSource)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = host.TracesUri;
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Headers = $"Authorization=Bearer {ReceiverHost.Token}";
                o.BatchExportProcessorOptions = new BatchExportProcessorOptions<Activity>
                {
                    MaxQueueSize = 65_536,
                    MaxExportBatchSize = 512,
                    ScheduledDelayMilliseconds = 100,
                };
            })
            .Build())
        {
            using var source = new ActivitySource(AgentSource);
            var model = new FakeRouterModel();
            using IChatClient chat = new ChatClientBuilder(model)
                .UseFunctionInvocation()
                .UseOpenTelemetry(sourceName: ChatSource, configure: c => c.EnableSensitiveData = true)
                .Build();
            var lookup = AIFunctionFactory.Create((string ticket) => "order 42, charged twice", "lookup_order");

            for (int i = 0; i < OutcomeShift.Before + OutcomeShift.After; i++)
            {
                model.Shifted = i >= OutcomeShift.Before;
                model.Ticket = i;
                using Activity? agent = source.StartActivity("invoke_agent support-router");
                agent?.SetTag("gen_ai.operation.name", "invoke_agent");
                agent?.SetTag("gen_ai.agent.name", "support-router");
                agent?.SetTag("driftwatch.decision.name", "route");
                agent?.SetTag("driftwatch.input.urgency", OutcomeShift.Urgency(i));
                ChatResponse response = await chat.GetResponseAsync(
                    [new ChatMessage(ChatRole.User, $"ticket {i}: i was charged twice")],
                    new ChatOptions { Tools = [lookup], ModelId = "m-large" });
                agent?.SetTag("driftwatch.decision.outcome", response.Text);
            }

            Assert.True(tracing.ForceFlush(30_000), "the SDK exporter did not flush");
        }

        IReadOnlyList<DecisionEvent> events = host.Sink.Events;
        Assert.Equal(OutcomeShift.Before + OutcomeShift.After, events.Count);
        DecisionEvent first = events[0];
        Assert.Equal("support-router", first.AgentId);
        Assert.Equal("2026.12.0", first.AgentVersion);
        Assert.Equal("staging", first.Environment);
        Assert.Equal(OutcomeShift.Outcome(0, shifted: false), first.Outcome);
        Assert.Equal("lookup_order", Assert.Single(first.ToolCalls).Name);
        Assert.Equal("ok", first.ToolCalls[0].Status);
        Assert.Equal(32, first.TraceId!.Length);
        Assert.Equal(first.SpanId, first.EventId);
        Assert.Equal(0, host.Receiver.RejectedSpans);

        OutcomeShift.AssertShiftAlerted(events);
    }

    /// <summary>
    /// A deterministic stand-in for a model: asks for the lookup_order tool once, then answers the routing
    /// outcome of the current ticket. It is the only fake here; the chat client, tool calling, instrumentation
    /// and exporter are the real libraries.
    /// </summary>
    private sealed class FakeRouterModel : IChatClient
    {
        public bool Shifted { get; set; }

        public int Ticket { get; set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            bool toolAnswered = messages.Any(m => m.Contents.OfType<FunctionResultContent>().Any());
            ChatMessage reply = toolAnswered
                ? new ChatMessage(ChatRole.Assistant, OutcomeShift.Outcome(Ticket, Shifted))
                : new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"call-{Ticket}", "lookup_order", new Dictionary<string, object?> { ["ticket"] = $"{Ticket}" })]);
            return Task.FromResult(new ChatResponse(reply)
            {
                ModelId = "m-large",
                FinishReason = toolAnswered ? ChatFinishReason.Stop : ChatFinishReason.ToolCalls,
                Usage = new UsageDetails { InputTokenCount = 80, OutputTokenCount = toolAnswered ? 12 : 6 },
            });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The interop test does not stream.");

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
