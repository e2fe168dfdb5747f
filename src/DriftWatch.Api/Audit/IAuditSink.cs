namespace DriftWatch.Api.Audit;

/// <summary>Somewhere audit records go besides the local file, e.g. a Kafka topic.</summary>
internal interface IAuditSink
{
    /// <summary>Publishes one record. Failures are reported, not thrown: the local file is the durable copy.</summary>
    Task PublishAsync(AuditRecord record, CancellationToken cancellationToken);
}
