using System.Runtime.CompilerServices;
using System.Text.Json;

namespace DriftWatch.Api.Audit;

/// <summary>Reads the JSONL audit trail written by the API, for <c>GET /api/audit</c> and <c>driftwatch audit</c>.</summary>
public static class AuditTrailReader
{
    /// <summary>
    /// Reads every record of an audit file in the order written, credentials masked. A line that is not a
    /// record (e.g. a write torn by a crash) is skipped. A missing file reads as empty.
    /// </summary>
    public static async IAsyncEnumerable<AuditRecord> ReadAsync(
        string path,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            yield break;
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using (stream)
        {
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var record = TryParse(line);
                if (record is not null)
                {
                    yield return record;
                }
            }
        }
    }

    /// <summary>
    /// Reads the last <paramref name="limit"/> records, optionally only those of one agent, oldest first. The
    /// file is read backwards from its end, so the cost is that of the records returned, not of the trail.
    /// </summary>
    public static async Task<IReadOnlyList<AuditRecord>> ReadLastAsync(
        string path,
        int limit,
        string? agentId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return (await AuditTailReader.ReadPageAsync(path, limit, before: null, agentId, cancellationToken)).Records;
    }

    internal static AuditRecord? TryParse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            // Redacted on the way in as well, so a trail written before redaction existed leaks nothing either.
            return JsonSerializer.Deserialize<AuditRecord>(line, AuditJson.Options) is { } record ? AuditRedaction.Redact(record) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
