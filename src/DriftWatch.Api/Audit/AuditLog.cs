using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Api.Audit;

/// <summary>
/// The append-only JSONL audit file. Each record is written and flushed to disk before <see cref="AppendAsync"/>
/// returns, so a decision is never acted on without its record. Also forwards to optional sinks. Credentials are
/// masked before anything is written (<see cref="AuditRedaction"/>).
/// </summary>
internal sealed partial class AuditLog : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly IReadOnlyList<IAuditSink> _sinks;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private AuditLog(string path, FileStream file, IReadOnlyList<IAuditSink> sinks, ILogger logger)
    {
        Path = path;
        _file = file;
        _sinks = sinks;
        _logger = logger;
    }

    public string Path { get; }

    public static AuditLog Open(string path, IReadOnlyList<IAuditSink> sinks, ILogger logger)
    {
        var full = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // FileShare.Read: readers (GET /api/audit, `driftwatch audit`) may read while we append.
        var file = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1, FileOptions.None);
        return new AuditLog(full, file, sinks, logger);
    }

    /// <summary>Writes the record, with secrets masked, to the file and then to every sink.</summary>
    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        record = AuditRedaction.Redact(record);
        var line = JsonSerializer.SerializeToUtf8Bytes(record, AuditJson.Options);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _file.WriteAsync(line, cancellationToken);
            await _file.WriteAsync(NewLine, cancellationToken);
            _file.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }

        foreach (var sink in _sinks)
        {
            try
            {
                await sink.PublishAsync(record, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSinkFailed(ex, record.Kind);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync();
        _gate.Dispose();
    }

    private static readonly byte[] NewLine = Encoding.UTF8.GetBytes("\n");

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Audit record of kind {Kind} could not be forwarded; it is in the local audit file")]
    private partial void LogSinkFailed(Exception exception, string kind);
}
