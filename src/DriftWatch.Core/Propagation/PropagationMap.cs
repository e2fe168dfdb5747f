using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;

namespace DriftWatch.Core.Propagation;

/// <summary>
/// Who feeds whom across agents, and which recent incident of a feeding agent likely caused another agent's
/// incident (docs/propagation.md). It is the one cross-agent piece of detection: per-behaviour state stays in
/// the monitor (and may be sharded by agent over threads), so this map is shared, thread-safe (one lock) and
/// bounded: <see cref="PropagationOptions.MaxEdges"/> edges (the smallest evicted first),
/// <see cref="PropagationOptions.MaxAgents"/> agents (least recently seen forgotten first), each with its last
/// <see cref="PropagationOptions.RecentDecisionsPerAgent"/> decisions and <see cref="PropagationOptions.IncidentsPerAgent"/>
/// incidents. It is not checkpointed: after a restart it is rebuilt from the events that follow, and an incident
/// keeps the upstream it was given (that part is in the behaviour's checkpointed incident state).
/// Fed in event order, it answers deterministically; fed from several threads, an answer can depend on how far
/// each agent's thread has got.
/// </summary>
public sealed class PropagationMap
{
    private readonly PropagationOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Environment, string Parent, string Child), EdgeVolume> _edges = [];
    private readonly Dictionary<(string Agent, string Environment), AgentRecent> _agents = [];
    private long _tick;

    public PropagationMap(PropagationOptions? options = null)
    {
        _options = options ?? new PropagationOptions();
        _options.Validate();
    }

    /// <summary>The settings in force.</summary>
    public PropagationOptions Options => _options;

    /// <summary>Counts the edge from the decision's parent agent (when it names one) and remembers the decision.</summary>
    public void Observe(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (_gate)
        {
            if (decision.ParentAgentId is { } parent && !string.Equals(parent, decision.AgentId, StringComparison.Ordinal))
            {
                CountEdge((decision.Environment, parent, decision.AgentId), decision.Timestamp);
            }

            Touch(decision.AgentId, decision.Environment).Add(
                new RecentDecision(decision.Timestamp, decision.DecisionName, decision.TraceId, decision.ParentAgentId, decision.InputFeatures),
                _options.RecentDecisionsPerAgent);
        }
    }

    /// <summary>Remembers an incident (or its newer state, same id) as a possible upstream cause of later incidents.</summary>
    public void RecordIncident(DriftReport incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        lock (_gate)
        {
            var incidents = Touch(incident.Key.AgentId, incident.Key.Environment).Incidents;
            int at = incidents.FindIndex(i => string.Equals(i.IncidentId, incident.IncidentId, StringComparison.Ordinal));
            if (at >= 0)
            {
                incidents[at] = incident;
                return;
            }

            if (incidents.Count >= _options.IncidentsPerAgent)
            {
                incidents.RemoveAt(0);
            }

            incidents.Add(incident);
        }
    }

    /// <summary>
    /// The likely upstream cause of <paramref name="downstream"/>, or null. Rule (docs/propagation.md): the
    /// downstream agent's changed inputs are its decisions of the incident's behaviour from the window start to
    /// the incident's start, within the incident's segment when it has one. For each parent agent of those
    /// decisions, take its latest incident that started at most <see cref="PropagationOptions.MaxLead"/> before
    /// (not after) the downstream one; a changed input reaches from it when the parent handed it over and, where
    /// both carry trace ids, its trace is one of the parent's drifted decisions (at or after the parent incident's
    /// window start, in its segment), else when it is no older than that window start and in the parent's segment
    /// (or lacks that input feature). The parent with the largest share, at least
    /// <see cref="PropagationOptions.MinShare"/>, is named; ties go to the lower agent id.
    /// </summary>
    public IncidentUpstream? FindUpstream(DriftReport downstream)
    {
        ArgumentNullException.ThrowIfNull(downstream);
        var key = downstream.Key;
        lock (_gate)
        {
            if (!_agents.TryGetValue((key.AgentId, key.Environment), out var agent))
            {
                return null;
            }

            var changed = new List<RecentDecision>();
            foreach (var d in agent.Decisions())
            {
                if (string.Equals(d.DecisionName, key.DecisionName, StringComparison.Ordinal)
                    && d.At >= downstream.WindowStart && d.At <= downstream.StartedAt
                    && (downstream.Segment is not { } segment || segment.Contains(d.Features)))
                {
                    changed.Add(d);
                }
            }

            if (changed.Count == 0)
            {
                return null;
            }

            IncidentUpstream? best = null;
            var parents = changed
                .Select(d => d.Parent)
                .OfType<string>()
                .Where(p => !string.Equals(p, key.AgentId, StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal);
            foreach (var parent in parents)
            {
                if (!_agents.TryGetValue((parent, key.Environment), out var upstream) || CauseOf(upstream, downstream) is not { } cause)
                {
                    continue;
                }

                int reached = Reached(changed, parent, upstream, cause, downstream.StartedAt);
                double share = reached / (double)changed.Count;
                if (share >= _options.MinShare && (best is null || share > best.Share))
                {
                    best = new IncidentUpstream(parent, cause.IncidentId, cause.StartedAt, share, cause.Segment?.ToString());
                }
            }

            return best;
        }
    }

    /// <summary>The edges as they stand, largest volume first.</summary>
    public IReadOnlyList<AgentEdge> Edges()
    {
        lock (_gate)
        {
            return _edges
                .Select(e => new AgentEdge(e.Key.Environment, e.Key.Parent, e.Key.Child, e.Value.Events, e.Value.LastSeen))
                .OrderByDescending(e => e.Events)
                .ThenBy(e => e.Parent, StringComparer.Ordinal)
                .ThenBy(e => e.Child, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>Number of edges held.</summary>
    public int EdgeCount
    {
        get
        {
            lock (_gate)
            {
                return _edges.Count;
            }
        }
    }

    /// <summary>Number of agents whose recent decisions are held.</summary>
    public int AgentCount
    {
        get
        {
            lock (_gate)
            {
                return _agents.Count;
            }
        }
    }

    private DriftReport? CauseOf(AgentRecent upstream, DriftReport downstream)
    {
        DriftReport? cause = null;
        foreach (var incident in upstream.Incidents)
        {
            if (incident.StartedAt <= downstream.StartedAt
                && incident.StartedAt >= downstream.StartedAt - _options.MaxLead
                && (cause is null || incident.StartedAt > cause.StartedAt))
            {
                cause = incident;
            }
        }

        return cause;
    }

    private static int Reached(List<RecentDecision> changed, string parent, AgentRecent upstream, DriftReport cause, DateTimeOffset until)
    {
        var drifted = new HashSet<string>(StringComparer.Ordinal);
        bool traced = false;
        foreach (var d in upstream.Decisions())
        {
            if (d.TraceId is null)
            {
                continue;
            }

            traced = true;
            if (d.At >= cause.WindowStart && d.At <= until && (cause.Segment is not { } segment || segment.Contains(d.Features)))
            {
                drifted.Add(d.TraceId);
            }
        }

        int reached = 0;
        foreach (var d in changed)
        {
            if (!string.Equals(d.Parent, parent, StringComparison.Ordinal))
            {
                continue;
            }

            bool reaches = traced && d.TraceId is not null
                ? drifted.Contains(d.TraceId)
                : d.At >= cause.WindowStart && (cause.Segment is not { } segment || !d.Features.ContainsKey(segment.Key) || segment.Contains(d.Features));
            if (reaches)
            {
                reached++;
            }
        }

        return reached;
    }

    private void CountEdge((string Environment, string Parent, string Child) key, DateTimeOffset at)
    {
        if (_edges.TryGetValue(key, out var count))
        {
            count.Events++;
            if (at > count.LastSeen)
            {
                count.LastSeen = at;
            }

            return;
        }

        if (_edges.Count >= _options.MaxEdges)
        {
            // The smallest edge (the oldest among equals) goes: a rare hand-over, not a main path.
            var smallest = _edges.MinBy(e => (e.Value.Events, e.Value.LastSeen.UtcTicks)).Key;
            _edges.Remove(smallest);
        }

        _edges.Add(key, new EdgeVolume { Events = 1, LastSeen = at });
    }

    private AgentRecent Touch(string agentId, string environment)
    {
        if (!_agents.TryGetValue((agentId, environment), out var agent))
        {
            if (_agents.Count >= _options.MaxAgents)
            {
                _agents.Remove(_agents.MinBy(a => a.Value.LastTouched).Key);
            }

            agent = new AgentRecent();
            _agents.Add((agentId, environment), agent);
        }

        agent.LastTouched = ++_tick;
        return agent;
    }

    private sealed class EdgeVolume
    {
        public long Events;
        public DateTimeOffset LastSeen;
    }

    private readonly record struct RecentDecision(DateTimeOffset At, string DecisionName, string? TraceId, string? Parent, IReadOnlyDictionary<string, string> Features);

    /// <summary>One agent's ring of recent decisions and its recent incidents.</summary>
    private sealed class AgentRecent
    {
        private RecentDecision[] _ring = [];
        private int _next;
        private int _count;

        public long LastTouched;

        public List<DriftReport> Incidents { get; } = [];

        public void Add(RecentDecision decision, int capacity)
        {
            if (_ring.Length < capacity && _count == _ring.Length)
            {
                // Grows by doubling up to the capacity, so a quiet agent does not hold a full ring.
                Array.Resize(ref _ring, Math.Min(capacity, Math.Max(16, _ring.Length * 2)));
                _next = _count;
            }

            _ring[_next] = decision;
            _next = (_next + 1) % _ring.Length;
            _count = Math.Min(_count + 1, _ring.Length);
        }

        public IEnumerable<RecentDecision> Decisions()
        {
            int start = _count < _ring.Length ? 0 : _next;
            for (int i = 0; i < _count; i++)
            {
                yield return _ring[(start + i) % _ring.Length];
            }
        }
    }
}
