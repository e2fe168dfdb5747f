using System.Buffers;
using System.Text;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Replay;

/// <summary>
/// Runs the detectors over a recording (CONTRACT.md section 3): reads JSONL events in file order, feeds
/// them to a monitor on event time only, and writes every alert as one JSON line. A bad line is reported
/// through the callback and skipped. The same input gives the same alert lines on every run.
/// </summary>
public sealed class ReplayRunner
{
    private readonly IDriftMonitor _monitor;

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
        long lines = 0;
        long decisions = 0;
        long states = 0;
        long bad = 0;
        long alertCount = 0;
        long windows = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                lines++;
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
                var parsed = AgentEventParser.Parse(buffer.AsSpan(0, length));
                switch (parsed.Kind)
                {
                    case AgentEventKind.Decision:
                        decisions++;
                        var step = _monitor.Observe(parsed.Decision!);
                        if (!step.IsEmpty)
                        {
                            windows += step.Windows.Count;
                            onStep?.Invoke(step);
                            foreach (var alert in step.Alerts)
                            {
                                await alerts.WriteLineAsync(AlertJson.Format(alert).AsMemory(), cancellationToken).ConfigureAwait(false);
                                alertCount++;
                            }
                        }

                        break;
                    case AgentEventKind.State:
                        states++;
                        _monitor.Observe(parsed.State!);
                        break;
                    default:
                        bad++;
                        onBadLine?.Invoke(new BadLine(lines, parsed.Error ?? "not a valid event"));
                        break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await alerts.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new ReplaySummary(lines, decisions, states, bad, alertCount, windows);
    }
}
