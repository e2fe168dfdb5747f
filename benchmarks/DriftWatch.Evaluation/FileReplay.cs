using System.Text;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;
using DriftWatch.Ml;

namespace DriftWatch.Evaluation;

/// <summary>
/// Replays a JSONL file the way <c>driftwatch replay</c> does (each line through
/// <see cref="AgentEventParser.Parse"/>, decisions and state changes into a default <see cref="DriftMonitor"/>),
/// with the baseline fed the same decisions, and records where in each agent's stream every alert fired.
/// </summary>
internal static class FileReplay
{
    internal static ReplayTrace Run(string path, DriftMonitorOptions options, bool ml = false)
    {
        var monitor = new DriftMonitor(options);
        using var mlDetector = ml ? MlDetector.AddTo(monitor) : null;
        var baseline = new MeanShiftDetector();
        var decisions = new Dictionary<string, int>(StringComparer.Ordinal);
        var monitorAlerts = new List<AlertRecord>();
        var baselineAlerts = new List<AlertRecord>();
        var tracker = new IncidentTracker();
        var incidents = new Dictionary<string, IncidentRecord>(StringComparer.Ordinal);
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
                    tracker.Observe(decision);
                    var step = monitor.Observe(decision);
                    foreach (var alert in step.Alerts)
                    {
                        monitorAlerts.Add(new AlertRecord(alert.Key.AgentId, alert.Feature, alert.Detector, index));
                    }

                    // Incidents follow the alerts without changing them: the detection figures stay the same.
                    foreach (var incident in tracker.Observe(step))
                    {
                        int opened = incidents.TryGetValue(incident.Id, out var seen) ? seen.OpenedAtIndex : index;
                        incidents[incident.Id] = new IncidentRecord(incident.Key.AgentId, incident.Id, opened, incident.Root?.Segment, incident.Features.Count);
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

        return new ReplayTrace(lines, bad, decisions, monitorAlerts, baselineAlerts, [.. incidents.Values.OrderBy(i => i.OpenedAtIndex).ThenBy(i => i.Id, StringComparer.Ordinal)]);
    }
}
