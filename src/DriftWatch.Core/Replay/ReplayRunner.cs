using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Unicode;
using System.Threading.Channels;
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

    /// <summary>Lines parsed per hand-over between the reading and the detecting thread.</summary>
    private const int BatchLines = 512;

    /// <summary>Batches the reader may be ahead of detection: bounds the memory of parsed events.</summary>
    private const int BatchesAhead = 8;

    private readonly IReadOnlyList<IDriftMonitor> _shards;
    private List<string>? _incidentLines;

    /// <summary>Replays into a new <see cref="DriftMonitor"/> with the given (or default) options.</summary>
    public ReplayRunner(DriftMonitorOptions? options = null)
        : this(new DriftMonitor(options))
    {
    }

    /// <summary>Replays into the given monitor (e.g. one with pinned references).</summary>
    public ReplayRunner(IDriftMonitor monitor)
    {
        _shards = [monitor ?? throw new ArgumentNullException(nameof(monitor))];
    }

    /// <summary>
    /// Replays into several monitors, each owning the agents <see cref="AgentShards.Of"/> gives it; the
    /// <see cref="Stream"/> overload runs them on as many threads at once. Alerts, their order and the summary
    /// are those of one monitor over the same file: detection state is per agent, every agent's events reach its
    /// monitor in file order, and results are put back in file order before anything is written.
    /// </summary>
    public ReplayRunner(IReadOnlyList<IDriftMonitor> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0 || shards.Any(s => s is null))
        {
            throw new ArgumentException("At least one monitor, and no null one, is needed.", nameof(shards));
        }

        _shards = [.. shards];
    }

    /// <summary>How many monitors detection is spread over.</summary>
    public int Shards => _shards.Count;

    /// <summary>
    /// Groups the alerts into incidents when set (not needed when an <see cref="IncidentDetector"/> runs on the monitor):
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
    /// <remarks>
    /// Reading and parsing run on a second thread, a bounded number of line batches ahead of detection, so
    /// the two overlap on a machine with more than one core. Detection still sees every event in file order
    /// on one thread, so the alerts are those of the one-thread overload.
    /// </remarks>
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
        var batches = Channel.CreateBounded<ParsedBatch>(new BoundedChannelOptions(BatchesAhead)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Task.Run(() => ReadAndParseAsync(input, batches.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                List<string>? alertLines = null;
                var steps = _shards.Count > 1 ? DetectInParallel(batch.Lines) : null;
                for (int i = 0; i < batch.Lines.Count; i++)
                {
                    var line = batch.Lines[i];
                    counts.Lines = line.Number;
                    var found = steps is null
                        ? Handle(line.Result, counts, onBadLine, onStep)
                        : Account(line.Result, steps[i], counts, onBadLine, onStep);
                    if (found is not null)
                    {
                        (alertLines ??= []).AddRange(found);
                    }
                }

                counts.Lines = batch.LinesRead;
                await WriteAsync(alerts, alertLines, cancellationToken).ConfigureAwait(false);
                await WriteIncidentsAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // Stops the reader if detection failed or was cancelled; its own failure surfaces below.
            await stop.CancelAsync().ConfigureAwait(false);
            await reader.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        await reader.ConfigureAwait(false);
        await alerts.FlushAsync(cancellationToken).ConfigureAwait(false);
        await FlushIncidentsAsync(cancellationToken).ConfigureAwait(false);
        return counts.Summary();
    }

    /// <summary>Reads, splits and parses the input into batches of lines; completes the writer with any failure.</summary>
    private static async Task ReadAndParseAsync(Stream input, ChannelWriter<ParsedBatch> output, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        int start = 0;
        int end = 0;
        bool first = true;
        bool eof = false;
        long lines = 0;
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

                while (true)
                {
                    var batch = Lines(buffer, ref start, end, eof, ref lines);
                    if (batch.Lines.Count == 0 && batch.LinesRead == -1)
                    {
                        break;
                    }

                    await output.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                }

                if (eof && start >= end)
                {
                    break;
                }
            }

            output.TryComplete();
        }
        catch (Exception ex)
        {
            output.TryComplete(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Parses up to <see cref="BatchLines"/> complete lines of buffer[start..end) (at the end of input the rest
    /// is a line too). A batch with no lines and <c>LinesRead</c> -1 means nothing more can be taken now.
    /// </summary>
    private static ParsedBatch Lines(byte[] buffer, ref int start, int end, bool eof, ref long lines)
    {
        // Sized for a full batch: growing it from small sizes cost a few percent of the replay in copies.
        var parsed = new List<ParsedLine>(BatchLines);
        long before = lines;
        while (start < end && parsed.Count < BatchLines)
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
            lines++;
            if (!IsBlank(line))
            {
                parsed.Add(new ParsedLine(lines, Parse(line)));
            }
        }

        return parsed.Count == 0 && lines == before ? new ParsedBatch([], -1) : new ParsedBatch(parsed, lines);
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

    /// <summary>
    /// Feeds a batch's events to their agents' monitors, one thread per monitor, each in file order; returns
    /// every line's step at its index (empty for state events and bad lines).
    /// </summary>
    private DetectionStep[] DetectInParallel(List<ParsedLine> lines)
    {
        var steps = new DetectionStep[lines.Count];
        var owned = new List<int>[_shards.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            steps[i] = DetectionStep.Empty;
            if (AgentOf(lines[i].Result) is { } agent)
            {
                (owned[AgentShards.Of(agent, _shards.Count)] ??= []).Add(i);
            }
        }

        try
        {
            Parallel.For(0, _shards.Count, new ParallelOptions { MaxDegreeOfParallelism = _shards.Count }, shard =>
            {
                if (owned[shard] is not { } mine)
                {
                    return;
                }

                var monitor = _shards[shard];
                foreach (int i in mine)
                {
                    steps[i] = Detect(monitor, lines[i].Result);
                }
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count >= 1)
        {
            // A detector failure ends the replay as it does on one thread, with the detector's own exception.
            ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }

        return steps;
    }

    private static string? AgentOf(ParseResult parsed) => parsed.Kind switch
    {
        AgentEventKind.Decision => parsed.Decision!.AgentId,
        AgentEventKind.State => parsed.State!.AgentId,
        _ => null,
    };

    private IDriftMonitor MonitorOf(string agentId) => _shards[AgentShards.Of(agentId, _shards.Count)];

    private static DetectionStep Detect(IDriftMonitor monitor, ParseResult parsed)
    {
        if (parsed.Kind == AgentEventKind.Decision)
        {
            return monitor.Observe(parsed.Decision!);
        }

        monitor.Observe(parsed.State!);
        return DetectionStep.Empty;
    }

    private List<string>? Handle(ParseResult parsed, Counts counts, Action<BadLine>? onBadLine, Action<DetectionStep>? onStep)
    {
        var step = AgentOf(parsed) is { } agent ? Detect(MonitorOf(agent), parsed) : DetectionStep.Empty;
        return Account(parsed, step, counts, onBadLine, onStep);
    }

    /// <summary>
    /// Everything after detection, in file order: counts, incident grouping, the step callback and the alert
    /// lines. The incident tracker sees each decision and then its step, as when it ran around detection.
    /// </summary>
    private List<string>? Account(ParseResult parsed, DetectionStep step, Counts counts, Action<BadLine>? onBadLine, Action<DetectionStep>? onStep)
    {
        List<string>? alertLines = null;
        switch (parsed.Kind)
        {
            case AgentEventKind.Decision:
                counts.Decisions++;
                Incidents?.Observe(parsed.Decision!);
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
        // A monitor with an IncidentDetector brings its incidents; otherwise this runner's tracker groups.
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

    /// <summary>A parsed line and its number in the file (1-based, blank lines included).</summary>
    private readonly record struct ParsedLine(long Number, ParseResult Result);

    /// <summary>Parsed lines in file order, and how many lines of the file were read up to the end of the batch.</summary>
    private sealed record ParsedBatch(List<ParsedLine> Lines, long LinesRead);

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
