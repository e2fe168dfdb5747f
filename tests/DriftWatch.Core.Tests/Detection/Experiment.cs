using DriftWatch.Core.Detection;
using Xunit.Abstractions;

namespace DriftWatch.Core.Tests.Detection;

public sealed class Experiment(ITestOutputHelper output)
{
    [Fact]
    public void Explore()
    {
        int fa = 0; long quiet = 0;
        for (int seed = 1; seed <= 10; seed++)
        {
            var monitor = new DriftMonitor();
            var stream = new SupportStream(seed);
            int i = 0;
            foreach (var e in stream.Take(22000))
            {
                var step = monitor.Observe(e);
                foreach (var a in step.Alerts) { fa++; output.WriteLine($"FA seed {seed} at {i}: {a.Summary}"); }
                i++;
            }
            quiet += 20000;
        }
        output.WriteLine($"false alarms {fa} over {quiet} quiet events");
        foreach (Drift d in Enum.GetValues<Drift>().Skip(1))
        {
            foreach (int ramp in new[] { 0, 2000 })
            {
                var monitor = new DriftMonitor();
                var stream = new SupportStream(3, d, 4000, ramp);
                int i = 0; string first = "";
                foreach (var e in stream.Take(8000))
                {
                    var step = monitor.Observe(e);
                    foreach (var a in step.Alerts) { if (first == "") first = $"{i - 4000}: {a.Summary}"; }
                    i++;
                }
                output.WriteLine($"{d} ramp {ramp}: {first}");
            }
        }
    }
}
