using System.Runtime.CompilerServices;
using System.Text.Json;

namespace DriftWatch.Api.Audit;

/// <summary>Reads the JSONL audit trail written by the API, for <c>GET /api/audit</c> and <c>driftwatch audit</c>.</summary>
public static class AuditTrailReader
{
    /// <summary>
    /// Reads every record of an audit file in the order written. A line that is not a record (e.g. a write
    /// torn by a crash) is skipped. A missing file reads as empty.
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

    /// <summary>Reads the last <paramref name="limit"/> records, optionally only those of one agent.</summary>
    public static async Task<IReadOnlyList<AuditRecord>> ReadLastAsync(
        string path,
        int limit,
        string? agentId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var last = new Queue<AuditRecord>(Math.Min(limit, 1024));
        await foreach (var record in ReadAsync(path, cancellationToken))
        {
            if (agentId is not null && !string.Equals(record.AgentId, agentId, StringComparison.Ordinal))
            {
                continue;
            }

            if (last.Count == limit)
            {
                last.Dequeue();
            }

            last.Enqueue(record);
        }

        return [.. last];
    }

    internal static AuditRecord? TryParse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<AuditRecord>(line, AuditJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
