using Akka;
using Akka.Streams.Dsl;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Service.Telemetry;

namespace DriftWatch.Service.Pipeline;

/// <summary>Parse and validate: every message becomes a parse result; nothing is dropped here.</summary>
internal static class ParseStage
{
    internal static Flow<ConsumedMessage, ParsedMessage, NotUsed> Create() =>
        Flow.Create<ConsumedMessage>()
            .Select(message => new ParsedMessage(
                message,
                message.IsControl ? ParsedMessage.ControlResult : AgentEventParser.Parse(message.Value),
                PipelineTracing.Consume(message)))
            .Named("parse");
}
