using System.Text;
using DriftWatch.Core.Events;
using DriftWatch.Core.Replay;
using DriftWatch.Core.Tests.Detection;

namespace DriftWatch.Core.Tests.Replay;

public sealed class ReplayRunnerBytesTests
{
    [Fact]
    public async Task RunAsync_BytesOfARecordingWithEveryLineEnd_SameAlertsAndReportsAsText()
    {
        // Over 1 MiB so lines straddle reads; \n, \r\n and bare \r ends, a byte order mark, blank and
        // whitespace-only lines, bad lines, invalid UTF-8 inside a text field, and no line end at the end.
        var file = new MemoryStream();
        file.Write("\uFEFF"u8);
        int index = 0;
        foreach (var e in new SupportStream(31, Drift.ConfidenceDrop, 3100).Take(4100))
        {
            byte[] json = AgentEventWriter.ToUtf8Bytes(e);
            if (index == 500)
            {
                int quote = Encoding.UTF8.GetString(json).IndexOf("\"event_id\":\"", StringComparison.Ordinal) + 12;
                json[quote] = 0xFF; // invalid UTF-8 where the event id starts
            }

            file.Write(json);
            file.Write((index % 3) switch { 0 => "\n"u8, 1 => "\r\n"u8, _ => "\r"u8 });
            if (index % 997 == 0)
            {
                file.Write(" \t\n\n{not json\r\n\u00a0\n"u8);
            }

            index++;
        }

        file.Write("""{"schema":"driftwatch.decision/v1","event_id":"x"}"""u8);
        byte[] bytes = file.ToArray();

        var textAlerts = new StringWriter();
        var textBad = new List<BadLine>();
        var textSummary = await new ReplayRunner().RunAsync(
            new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true), textAlerts, textBad.Add);
        var byteAlerts = new StringWriter();
        var byteBad = new List<BadLine>();
        var byteSummary = await new ReplayRunner().RunAsync(new MemoryStream(bytes), byteAlerts, byteBad.Add);

        Assert.True(textSummary.Alerts > 0);
        Assert.True(textSummary.BadLines >= 6);
        Assert.Equal(textSummary, byteSummary);
        Assert.Equal(textAlerts.ToString(), byteAlerts.ToString());
        Assert.Equal(textBad, byteBad);
    }

    [Fact]
    public async Task RunAsync_InputFailsHalfway_TheReadErrorSurfaces()
    {
        byte[] lines = Recording(3000);
        var alerts = new StringWriter();
        var failing = new FailingStream(lines, failAfterBytes: lines.Length / 2);

        var error = await Assert.ThrowsAsync<IOException>(() => new ReplayRunner().RunAsync(failing, alerts));

        Assert.Equal("disk gone", error.Message);
    }

    [Fact]
    public async Task RunAsync_DetectionThrows_ReaderStopsAndTheErrorSurfaces()
    {
        byte[] lines = Recording(3000);
        var monitor = new ThrowingMonitor(throwAt: 700);
        var input = new CountingStream(lines);

        await Assert.ThrowsAsync<InvalidOperationException>(() => new ReplayRunner(monitor).RunAsync(input, new StringWriter()));

        // The reader stays a bounded number of batches ahead; it must not go on to the end of a large file.
        Assert.Equal(700, monitor.Seen);
        Assert.True(input.Position < lines.Length, $"read {input.Position} of {lines.Length} bytes after detection failed");
    }

    private static byte[] Recording(int events)
    {
        var file = new MemoryStream();
        foreach (var e in new SupportStream(7, Drift.ConfidenceDrop, events / 2).Take(events))
        {
            file.Write(AgentEventWriter.ToUtf8Bytes(e));
            file.Write("\n"u8);
        }

        // Padding lines after the events make the file much larger than what the reader may run ahead.
        for (int i = 0; i < 40_000; i++)
        {
            file.Write("{not json}\n"u8);
        }

        return file.ToArray();
    }

    private sealed class FailingStream(byte[] bytes, int failAfterBytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= failAfterBytes ? ValueTask.FromException<int>(new IOException("disk gone")) : base.ReadAsync(buffer[..Math.Min(buffer.Length, 4096)], cancellationToken);
    }

    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 4096)], cancellationToken);
    }

    private sealed class ThrowingMonitor(int throwAt) : DriftWatch.Core.Detection.IDriftMonitor
    {
        private readonly DriftWatch.Core.Detection.DriftMonitor _inner = new();

        public int Seen { get; private set; }

        public DriftWatch.Core.Detection.DetectionStep Observe(DecisionEvent decision)
        {
            if (++Seen == throwAt)
            {
                throw new InvalidOperationException("detector bug");
            }

            return _inner.Observe(decision);
        }

        public void Observe(StateEvent state) => _inner.Observe(state);
    }
}
