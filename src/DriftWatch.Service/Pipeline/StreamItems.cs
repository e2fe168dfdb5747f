using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Consuming;

namespace DriftWatch.Service.Pipeline;

/// <summary>A consumed message and what parsing made of it.</summary>
internal sealed record ParsedMessage(ConsumedMessage Message, ParseResult Result);

/// <summary>A message whose processing is complete up to the sinks.</summary>
internal sealed record ProcessedMessage(ConsumedMessage Message, ParseResult Result, DetectionStep Detection);
