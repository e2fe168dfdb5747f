namespace DriftWatch.Api.Audit;

/// <summary>
/// Records of one page of the audit trail, oldest first, and where the next (older) page ends: pass
/// <paramref name="Before"/> as <c>before</c> to continue; null when the start of the file was reached.
/// </summary>
internal sealed record AuditPage(IReadOnlyList<AuditRecord> Records, long? Before);
