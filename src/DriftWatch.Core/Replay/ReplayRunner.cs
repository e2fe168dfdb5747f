using System.Buffers;
using System.Text;
using System.Text.Unicode;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;

namespace DriftWatch.Core.Replay;

/// <summary>
/// Runs the detectors over a recording (CONTRACT.md section 3): reads JSONL events in file order, feeds
/// them to a monitor on event time only, and writes every alert as one JSON line. A bad line is reported
/// through the callback and skipped. The same input gives the same alert lines on every run.
/// </summary>
public sealed class ReplayRunner
{
    private const int ChunkBytes = 1 << 20;

    private readonly IDriftMonitor _monitor;
    private List<string>? _incidentLines;

    /// <summary>Replays into a new <see cref="DriftMonitor"/> with the given (or default) options.</summary>
    public ReplayRunner(DriftMonitorOptions? options = null)
        : this(new DriftMonitor(options))
    {
    }

    /// <summary>Replays into the given monitor (e.g. one with pinned references).</summary>
    public ReplayRunner(IDriftMonitor monitor)
    {
        _monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
    }

    /// <summary>
    /// Groups the alerts into incidents when set (not needed when the monitor is an <see cref="IncidentMonitor"/>):
    /// every incident the run opens or updates is written to <see cref="IncidentsOut"/> as one
    /// <c>driftwatch.incident/v1</c> line, after the alert lines of the same event.
    /// </summary>
    public IncidentTracker? Incidents { get; init; }

    /// <summary>Where incident lines go (required with <see cref="Incidents"/>); flushed before a run returns.</summary>
    public TextWriter? IncidentsOut { get; init; }

    /// <summary>
    /// Reads <paramref name="input"/> to its end. Alert lines go to <paramref name="alerts"/> (flushed before
    /// returning); each bad line goes to <paramref name="onBadLine"/>; <paramref name="onStep"/>, when given,
    /// sees every non-empty detection step (scores and window summaries too).
    /// </summary>
    public async Task<ReplaySummary> RunAsync(
        TextReader input,
        TextWriter alerts,
        Action<BadLine>? onBadLine = null,
        Action<DetectionStep>? onStep = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(alerts);
        var counts = new Counts();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                counts.Lines++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                int needed = Encoding.UTF8.GetMaxByteCount(line.Length);
                if (needed > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(needed);
                }

                int length = Encoding.UTF8.GetBytes(line, buffer);
                var alertLines = Handle(AgentEventParser.Parse(buffer.AsSpan(0, length)), counts, onBadLine, onStep);
                await WriteAsync(alerts, alertLines, cancellationToken).ConfigureAwait(false);
                await WriteIncidentsAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await alerts.FlushAsync(cancellationToken).ConfigureAwait(false);
        await FlushIncidentsAsync(cancellationToken).ConfigureAwait(false);
        return counts.Summary();
    }

    /// <summary>
    /// Reads UTF-8 JSONL from <paramref name="input"/> to its end without decoding lines to strings: lines are
    /// split on the bytes and each is parsed from its span. Same lines, numbering, alerts and bad-line reports
    /// as the <see cref="TextReader"/> overload over the same file (line ends \n, \r\n or \r; a leading UTF-8
    /// byte order mark is skipped; a line with invalid UTF-8 is read as a decoder would, with U+FFFD).
    /// </summary>
    public async Task<ReplaySummary> RunAsync(
        Stream input,
        TextWriter alerts,
        Action<BadLine>? onBadLine = null,
        Action<DetectionStep>? onStep = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(alerts);
        var counts = new Counts();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        int start = 0;
        int end = 0;
        bool first = true;
        bool eof = false;
        try
        {
            while (true)
            {
                if (!eof)
                {
                    // Keep the unfinished line at the front and fill the rest; grow only for a line longer than the buffer.
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }

                    if (end == buffer.Length)
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, larger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    int read = await input.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                    eof = read == 0;
                    end += read;
                    if (first && (end - start >= 3 || eof))
                    {
                        first = false;
                        if (end - start >= 3 && buffer.AsSpan(start, 3).SequenceEqual("\uFEFF"u8))
                        {
                            start += 3;
                        }
                    }
                    else if (first)
                    {
                        continue; // fewer than three bytes so far: a byte order mark may still be arriving
                    }
                }

                var alertLines = Lines(buffer, ref start, end, eof, counts, onBadLine, onStep);
                await WriteAsync(alerts, alertLines, cancellationToken).ConfigureAwait(false);
                await WriteIncidentsAsync(cancellationToken).ConfigureAwait(false);
                if (eof && start >= end)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await alerts.FlushAsync(cancellationToken).ConfigureAwait(false);
        await FlushIncidentsAsync(cancellationToken).ConfigureAwait(false);
        return counts.Summary();
    }

    /// <summary>Handles every complete line in buffer[start..end); at the end of input the rest is a line too.</summary>
    private List<string>? Lines(byte[] buffer, ref int start, int end, bool eof, Counts counts, Action<BadLine>? onBadLine, Action<DetectionStep>? onStep)
    {
        List<string>? alertLines = null;
        while (start < end)
        {
            var rest = buffer.AsSpan(start, end - start);
            int at = rest.IndexOfAny((byte)'\n', (byte)'\r');
            int next;
            if (at < 0)
            {
                if (!eof)
                {
                    break;
                }

                at = rest.Length;
                next = end;
            }
            else if (rest[at] == (byte)'\r')
            {
                if (at + 1 == rest.Length && !eof)
                {
                    break; // a \n may follow in the next read
                }

                next = start + at + (at + 1 < rest.Length && rest[at + 1] == (byte)'\n' ? 2 : 1);
            }
            else
            {
                next = start + at + 1;
            }

            var line = rest[..at];
            start = next;
            counts.Lines++;
            if (IsBlank(line))
            {
                continue;
            }

            var found = Handle(Parse(line), counts, onBadLine, onStep);
            if (found is not null)
            {
                (alertLines ??= []).AddRange(found);
            }
        }

        return alertLines;
    }

    private static ParseResult Parse(ReadOnlySpan<byte> line)
    {
        if (Utf8.IsValid(line))
        {
            return AgentEventParser.Parse(line);
        }

        // What a text reader makes of it: invalid sequences become U+FFFD.
        return AgentEventParser.Parse(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line)));
    }

    /// <summary>string.IsNullOrWhiteSpace of the decoded line, decoding only when a non-ASCII byte makes it necessary.</summary>
    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (byte b in line)
        {
            if (b >= 0x80)
            {
                return string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(line));
            }

            if (!char.IsWhiteSpace((char)b))
            {
                return false;
            }
        }

        return true;
    }

    private List<string>? Handle(ParseResult parsed, Counts counts, Action<BadLine>? onBadLine, Action<DetectionStep>? onStep)
    {
        List<string>? alertLines = null;
        switch (parsed.Kind)
        {
            case AgentEventKind.Decision:
                counts.Decisions++;
                Incidents?.Observe(parsed.Decision!);
                var step = _monitor.Observe(parsed.Decision!);
                if (!step.IsEmpty)
                {
                    ObserveIncidents(step);
                    counts.Windows += step.Windows.Count;
                    onStep?.Invoke(step);
                    foreach (var alert in step.Alerts)
                    {
                        (alertLines ??= []).Add(AlertJson.Format(alert));
                        counts.Alerts++;
                    }
                }

                break;
            case AgentEventKind.State:
                counts.States++;
                _monitor.Observe(parsed.State!);
                break;
            default:
                counts.Bad++;
                onBadLine?.Invoke(new BadLine(counts.Lines, parsed.Error ?? "not a valid event"));
                break;
        }

        return alertLines;
    }

    private void ObserveIncidents(DetectionStep step)
    {
        // A monitor wrapped in an IncidentMonitor brings its incidents; otherwise this runner's tracker groups.
        var incidents = step.Incidents.Count > 0 ? step.Incidents : Incidents?.Observe(step) ?? [];
        if (IncidentsOut is null)
        {
            return;
        }

        foreach (var incident in incidents)
        {
            (_incidentLines ??= []).Add(IncidentJson.Format(incident));
        }
    }

    private async Task WriteIncidentsAsync(CancellationToken cancellationToken)
    {
        if (_incidentLines is { Count: > 0 } lines && IncidentsOut is { } output)
        {
            await WriteAsync(output, lines, cancellationToken).ConfigureAwait(false);
            lines.Clear();
        }
    }

    private async Task FlushIncidentsAsync(CancellationToken cancellationToken)
    {
        await WriteIncidentsAsync(cancellationToken).ConfigureAwait(false);
        if (IncidentsOut is { } output)
        {
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(TextWriter alerts, List<string>? lines, CancellationToken cancellationToken)
    {
        if (lines is null)
        {
            return;
        }

        foreach (string line in lines)
        {
            await alerts.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Counts
    {
        public long Lines;
        public long Decisions;
        public long States;
        public long Bad;
        public long Alerts;
        public long Windows;

        public ReplaySummary Summary() => new(Lines, Decisions, States, Bad, Alerts, Windows);
    }
}
