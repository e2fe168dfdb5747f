using System.Globalization;
using System.Text;
using DriftWatch.Core.Incidents;

namespace DriftWatch.Api.Metrics;

/// <summary>
/// <c>driftwatch_incidents_open{agent_id, environment}</c>: incidents opened or updated and not yet resolved, per
/// agent and environment. An agent keeps its series at 0 once its incidents resolve, so an alert on it ends
/// cleanly instead of going stale. Thread-safe.
/// </summary>
internal sealed class IncidentGauge
{
    /// <summary>Open incidents remembered; beyond it the oldest is forgotten (an incident that never resolves).</summary>
    public const int MaxOpen = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string AgentId, string Environment)> _open = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly SortedDictionary<(string AgentId, string Environment), int> _counts = [];

    public void Record(Incident incident)
    {
        var agent = (incident.Key.AgentId, incident.Key.Environment);
        lock (_lock)
        {
            _counts.TryAdd(agent, 0);
            if (incident.Status == IncidentStatus.Resolved)
            {
                if (_open.Remove(incident.Id))
                {
                    _counts[agent]--;
                }

                return;
            }

            if (_open.TryAdd(incident.Id, agent))
            {
                _counts[agent]++;
                _order.Enqueue(incident.Id);
                while (_open.Count > MaxOpen && _order.TryDequeue(out var oldest))
                {
                    if (_open.Remove(oldest, out var of))
                    {
                        _counts[of]--;
                    }
                }
            }
        }
    }

    public int Open(string agentId, string environment)
    {
        lock (_lock)
        {
            return _counts.GetValueOrDefault((agentId, environment));
        }
    }

    public void Append(StringBuilder text)
    {
        text.Append("# HELP driftwatch_incidents_open Drift incidents opened and not yet resolved.\n");
        text.Append("# TYPE driftwatch_incidents_open gauge\n");
        lock (_lock)
        {
            foreach (var ((agentId, environment), count) in _counts)
            {
                text.Append("driftwatch_incidents_open{");
                DriftMetrics.AppendLabel(text, "agent_id", agentId).Append(',');
                DriftMetrics.AppendLabel(text, "environment", environment);
                text.Append("} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }
}
