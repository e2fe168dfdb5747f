using System.Text;
using DriftWatch.Core.Events;
using DriftWatch.Otlp.Decoding;
using DriftWatch.Otlp.Mapping;
using DriftWatch.Otlp.Proto.Collector;

namespace DriftWatch.Otlp.Replay;

/// <summary>
/// Turns Collector file-exporter output (one OTLP JSON <c>ExportTraceServiceRequest</c> per line) into
/// <c>driftwatch.decision/v1</c> JSON lines, so <c>driftwatch replay --format otlp-json</c> runs the same
/// detectors over spans as over decision events. Tool spans are joined on event time: a decision waits until
/// the latest span end time read is <see cref="ToolSpanWait"/> past the time it was read at (and at the end of
/// the file), so the same file gives the same events, in the order their spans were written.
/// </summary>
public sealed class OtlpJsonLineReader : TextReader
{
    /// <summary>Default event-time wait for tool spans written on later lines.</summary>
    public static readonly TimeSpan DefaultToolSpanWait = TimeSpan.FromSeconds(2);

    /// <summary>Event-time wait of tool spans written before their decision.</summary>
    public static readonly TimeSpan OrphanToolSpanWait = TimeSpan.FromSeconds(30);

    private readonly TextReader _inner;
    private readonly Action<long, string>? _onBadLine;
    private readonly ToolCallJoiner _joiner;
    private readonly Queue<string> _ready = new();
    private DateTimeOffset _eventTime = DateTimeOffset.MinValue;
    private string? _partial;
    private int _partialPosition;
    private bool _ended;

    /// <summary>Reads <paramref name="inner"/>; each bad line or rejected span is reported to <paramref name="onBadLine"/> with its line number.</summary>
    public OtlpJsonLineReader(TextReader inner, Action<long, string>? onBadLine = null, TimeSpan? toolSpanWait = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _onBadLine = onBadLine;
        ToolSpanWait = toolSpanWait ?? DefaultToolSpanWait;
        _joiner = new ToolCallJoiner(ToolSpanWait, OrphanToolSpanWait, capacity: 100_000);
    }

    /// <summary>How long, in event time, a decision waits for tool spans on later lines.</summary>
    public TimeSpan ToolSpanWait { get; }

    /// <summary>Input lines read.</summary>
    public long Lines { get; private set; }

    /// <summary>Decision spans mapped.</summary>
    public long DecisionSpans { get; private set; }

    /// <summary>Decision spans rejected (each reported).</summary>
    public long RejectedSpans { get; private set; }

    /// <summary>Spans that were neither decisions nor tool calls.</summary>
    public long IgnoredSpans { get; private set; }

    /// <summary>Lines that were not OTLP JSON (each reported).</summary>
    public long BadLines { get; private set; }

    /// <inheritdoc />
    public override string? ReadLine()
    {
        while (_ready.Count == 0 && !_ended)
        {
            Consume(_inner.ReadLine());
        }

        return Next();
    }

    /// <inheritdoc />
    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (_ready.Count == 0 && !_ended)
        {
            Consume(await _inner.ReadLineAsync(cancellationToken).ConfigureAwait(false));
        }

        return Next();
    }

    /// <inheritdoc />
    public override Task<string?> ReadLineAsync() => ReadLineAsync(CancellationToken.None).AsTask();

    /// <inheritdoc />
    public override int Peek()
    {
        if (!FillPartial())
        {
            return -1;
        }

        return _partial![_partialPosition];
    }

    /// <inheritdoc />
    public override int Read()
    {
        if (!FillPartial())
        {
            return -1;
        }

        return _partial![_partialPosition++];
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool FillPartial()
    {
        if (_partial is null || _partialPosition >= _partial.Length)
        {
            string? line = ReadLine();
            if (line is null)
            {
                return false;
            }

            _partial = line + "\n";
            _partialPosition = 0;
        }

        return true;
    }

    private string? Next() => _ready.TryDequeue(out string? line) ? line : null;

    private void Consume(string? line)
    {
        if (line is null)
        {
            _ended = true;
            Enqueue(_joiner.TakeAll());
            return;
        }

        Lines++;
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        string? error = OtlpTraceDecoder.TryDecode(Encoding.UTF8.GetBytes(line), OtlpEncoding.Json, out ExportTraceServiceRequest? request);
        if (error is not null)
        {
            BadLines++;
            _onBadLine?.Invoke(Lines, error);
            return;
        }

        MappedSpans mapped = SpanDecisionMapper.Map(request!);
        DecisionSpans += mapped.Decisions.Count;
        IgnoredSpans += mapped.Ignored;
        if (mapped.Rejected > 0)
        {
            RejectedSpans += mapped.Rejected;
            _onBadLine?.Invoke(Lines, $"{mapped.Rejected} decision span(s) rejected; first: {mapped.FirstError}");
        }

        if (mapped.LatestEnd > _eventTime)
        {
            _eventTime = mapped.LatestEnd;
        }

        _joiner.Add(mapped, _eventTime);
        Enqueue(_joiner.TakeDue(_eventTime));
    }

    private void Enqueue(List<ToolCallJoiner.Released> released)
    {
        foreach (ToolCallJoiner.Released r in released)
        {
            if (r.Event is DecisionEvent e)
            {
                _ready.Enqueue(Encoding.UTF8.GetString(AgentEventWriter.ToUtf8Bytes(e)));
            }
        }
    }
}
