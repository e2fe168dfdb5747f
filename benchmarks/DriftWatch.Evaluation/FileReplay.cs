using System.Text;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

namespace DriftWatch.Evaluation;

/// <summary>
/// Replays a JSONL file the way <c>driftwatch replay</c> does (each line through
/// <see cref="AgentEventParser.Parse"/>, decisions and state changes into a default <see cref="DriftMonitor"/>),
/// with the baseline fed the same decisions, and records where in each agent's stream every alert fired.
/// </summary>
internal static class FileReplay
{
    internal static ReplayTrace Run(string path, DriftMonitorOptions options)
    {
        var monitor = new DriftMonitor(options);
        var baseline = new MeanShiftDetector();
        var decisions = new Dictionary<string, int>(StringComparer.Ordinal);
        var monitorAlerts = new List<AlertRecord>();
        var baselineAlerts = new List<AlertRecord>();
        long lines = 0, bad = 0;
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        while (reader.ReadLine() is { } line)
        {
            lines++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var result = AgentEventParser.Parse(Encoding.UTF8.GetBytes(line));
            switch (result.Kind)
            {
                case AgentEventKind.Decision:
                    var decision = result.Decision!;
                    var index = decisions.GetValueOrDefault(decision.AgentId);
                    decisions[decision.AgentId] = index + 1;
                    foreach (var alert in monitor.Observe(decision).Alerts)
                    {
                        monitorAlerts.Add(new AlertRecord(alert.Key.AgentId, alert.Feature, alert.Detector, index));
                    }

                    foreach (var feature in baseline.Observe(decision))
                    {
                        baselineAlerts.Add(new AlertRecord(decision.AgentId, feature, MeanShiftDetector.Name, index));
                    }

                    break;
                case AgentEventKind.State:
                    monitor.Observe(result.State!);
                    break;
                default:
                    bad++;
                    break;
            }
        }

        return new ReplayTrace(lines, bad, decisions, monitorAlerts, baselineAlerts);
    }
}
