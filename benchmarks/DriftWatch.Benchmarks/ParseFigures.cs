using System.Diagnostics;
using System.Globalization;
using DriftWatch.Core.Events;

namespace DriftWatch.Benchmarks;

/// <summary>
/// `dotnet run -c Release -- parse-figures`: processor time and bytes allocated per event for
/// AgentEventParser on simulator events. Allocation is exact and unaffected by other load on the machine.
/// </summary>
internal static class ParseFigures
{
    public static int Run()
    {
        var json = DetectionWorkload.Decisions(agents: 4, events: 40_000, seed: 5).Select(AgentEventWriter.ToUtf8Bytes).ToArray();
        foreach (byte[] message in json)
        {
            AgentEventParser.Parse(message); // warm up
        }

        using var self = Process.GetCurrentProcess();
        double best = double.MaxValue;
        long allocated = 0;
        for (int pass = 0; pass < 5; pass++)
        {
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            foreach (byte[] message in json)
            {
                AgentEventParser.Parse(message);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
            self.Refresh();
            best = Math.Min(best, (self.TotalProcessorTime - cpu).TotalSeconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"parse: {best / json.Length * 1e9:N0} ns/event (processor time, best of 5), {allocated / (double)json.Length:N0} bytes allocated/event, {json.Average(j => j.Length):N0} bytes/message"));
        return 0;
    }
}
