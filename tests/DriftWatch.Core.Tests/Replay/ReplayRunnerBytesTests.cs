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
}
