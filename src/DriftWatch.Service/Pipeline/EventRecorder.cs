using System.Buffers;
using System.Text.Json;
using DriftWatch.Core.Events;

namespace DriftWatch.Service.Pipeline;

/// <summary>
/// Appends every valid event, byte for byte, as one JSONL line, and makes it durable before the events'
/// offsets are committed. The recording is what <c>driftwatch replay</c> audits.
/// </summary>
internal sealed class EventRecorder : IAsyncDisposable
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly FileStream _file;

    internal EventRecorder(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
        if (EndsInTornLine(path))
        {
            // A process killed mid-write leaves its last line cut short; the events it held were not committed and
            // come again. Ending that line here keeps it one bad line (replay reports it) instead of gluing it to
            // the first record of this run.
            _file.Write(NewLine);
            _file.Flush(flushToDisk: true);
        }
    }

    private static bool EndsInTornLine(string path)
    {
        using var existing = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (existing.Length == 0)
        {
            return false;
        }

        existing.Seek(-1, SeekOrigin.End);
        return existing.ReadByte() != '\n';
    }

    internal async Task AppendAsync(IReadOnlyList<ProcessedMessage> batch, CancellationToken cancellationToken)
    {
        var wrote = false;
        foreach (var item in batch)
        {
            if (item.Result.Kind == AgentEventKind.Invalid)
            {
                continue;
            }

            var line = Array.IndexOf(item.Message.Value, (byte)'\n') >= 0 ? Compact(item.Message.Value) : item.Message.Value;
            await _file.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await _file.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
            wrote = true;
        }

        if (wrote)
        {
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            _file.Flush(flushToDisk: true);
        }
    }

    // Pretty-printed JSON is valid on the wire but would break the one-event-per-line recording.
    private static byte[] Compact(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            document.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public async ValueTask DisposeAsync() => await _file.DisposeAsync().ConfigureAwait(false);
}
