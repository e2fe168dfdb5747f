using DriftWatch.Core.Events;

namespace DriftWatch.Otlp.Ingest;

/// <summary>Where decision events mapped from spans go. Returns only when the events are durable.</summary>
public interface IDecisionEventSink
{
    /// <summary>Delivers <paramref name="events"/>, in order; throws when they could not be made durable.</summary>
    Task PublishAsync(IReadOnlyList<DecisionEvent> events, CancellationToken cancellationToken);
}
