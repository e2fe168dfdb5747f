using System.Text;

namespace DriftWatch.Api.Audit;

/// <summary>
/// Reads the audit file backwards from a byte offset in fixed-size blocks, so a page of the newest records
/// costs the size of that page, not of the whole file. The cursor is the byte offset where a line starts.
/// </summary>
internal static class AuditTailReader
{
    private const int BlockSize = 64 * 1024;

    /// <summary>
    /// Up to <paramref name="limit"/> records that start before byte <paramref name="before"/> (default: the
    /// end of the file), optionally only those of one agent. Lines that are not records are skipped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="before"/> is past the end of the file.</exception>
    public static async Task<AuditPage> ReadPageAsync(string path, int limit, long? before, string? agentId, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (!File.Exists(path))
        {
            return before is null or 0 ? new AuditPage([], null) : throw new ArgumentOutOfRangeException(nameof(before), "before is past the end of the audit trail");
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, useAsync: true);
        await using (stream)
        {
            var length = stream.Length;
            var end = before ?? length;
            if (end < 0 || end > length)
            {
                throw new ArgumentOutOfRangeException(nameof(before), $"before must be 0 to {length}");
            }

            var found = new List<AuditRecord>(Math.Min(limit, 1024));
            long oldest = end;
            var position = end;
            byte[] carry = [];
            var block = new byte[BlockSize];
            while (found.Count < limit)
            {
                if (position == 0)
                {
                    // What is left is the first line of the file (or of the range).
                    if (carry.Length > 0 && Accept(carry, agentId, found))
                    {
                        oldest = 0;
                    }

                    return Page(found, oldest, reachedStart: true);
                }

                var size = (int)Math.Min(BlockSize, position);
                position -= size;
                stream.Position = position;
                await stream.ReadExactlyAsync(block.AsMemory(0, size), cancellationToken);
                var buffer = new byte[size + carry.Length];
                block.AsSpan(0, size).CopyTo(buffer);
                carry.CopyTo(buffer.AsSpan(size));

                var lineEnd = buffer.Length;
                for (var i = buffer.Length - 1; i >= 0 && found.Count < limit; i--)
                {
                    if (buffer[i] != (byte)'\n')
                    {
                        continue;
                    }

                    if (Accept(buffer.AsSpan(i + 1, lineEnd - i - 1), agentId, found))
                    {
                        oldest = position + i + 1;
                    }

                    lineEnd = i;
                }

                carry = buffer[..lineEnd];
                if (found.Count >= limit)
                {
                    break;
                }
            }

            return Page(found, oldest, reachedStart: false);
        }
    }

    private static AuditPage Page(List<AuditRecord> newestFirst, long oldest, bool reachedStart)
    {
        newestFirst.Reverse();
        return new AuditPage(newestFirst, reachedStart ? null : oldest);
    }

    private static bool Accept(ReadOnlySpan<byte> line, string? agentId, List<AuditRecord> found)
    {
        if (line.IsEmpty)
        {
            return false;
        }

        var record = AuditTrailReader.TryParse(Encoding.UTF8.GetString(line));
        if (record is null || (agentId is not null && !string.Equals(record.AgentId, agentId, StringComparison.Ordinal)))
        {
            return false;
        }

        found.Add(record);
        return true;
    }
}
