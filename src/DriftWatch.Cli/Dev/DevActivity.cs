namespace DriftWatch.Cli.Dev;

/// <summary>What <c>driftwatch dev</c> has seen so far, per agent: decisions on the input topic and alerts raised.</summary>
internal sealed class DevActivity
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, AgentActivity> _agents = new(StringComparer.Ordinal);

    public void Decision(string agentId)
    {
        lock (_gate)
        {
            Agent(agentId).Events++;
        }
    }

    public void Alert(string agentId, string feature, string severity, DateTimeOffset detectedAt)
    {
        lock (_gate)
        {
            AgentActivity agent = Agent(agentId);
            agent.Alerts++;
            agent.LastAlert = new LastAlert(feature, severity, detectedAt);
        }
    }

    public IReadOnlyList<AgentRow> Snapshot()
    {
        lock (_gate)
        {
            return _agents.Select(a => new AgentRow(a.Key, a.Value.Events, a.Value.Alerts, a.Value.LastAlert)).ToList();
        }
    }

    private AgentActivity Agent(string agentId)
    {
        if (!_agents.TryGetValue(agentId, out AgentActivity? agent))
        {
            agent = new AgentActivity();
            _agents.Add(agentId, agent);
        }

        return agent;
    }

    private sealed class AgentActivity
    {
        public long Events { get; set; }

        public int Alerts { get; set; }

        public LastAlert? LastAlert { get; set; }
    }
}

internal sealed record LastAlert(string Feature, string Severity, DateTimeOffset DetectedAt);

internal sealed record AgentRow(string AgentId, long Events, int Alerts, LastAlert? LastAlert);
