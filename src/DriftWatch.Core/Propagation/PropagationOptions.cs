namespace DriftWatch.Core.Propagation;

/// <summary>How drift propagation between agents is traced (configuration section <c>Propagation</c>).</summary>
public sealed class PropagationOptions
{
    /// <summary>Whether agent-to-agent edges are kept and incidents name an upstream cause. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Parent-to-child edges kept; a new edge beyond this evicts the one with the smallest volume. Default 10,000.</summary>
    public int MaxEdges { get; set; } = 10_000;

    /// <summary>
    /// Agents (per environment) whose recent decisions are kept; the one seen least recently is forgotten first.
    /// Default 1,024.
    /// </summary>
    public int MaxAgents { get; set; } = 1_024;

    /// <summary>
    /// Recent decisions kept per agent (event time, trace id, parent agent, input segment): the look-back of the
    /// upstream rule. It should hold a few detection windows of the agent. Default 4,096.
    /// </summary>
    public int RecentDecisionsPerAgent { get; set; } = 4_096;

    /// <summary>Recent incidents remembered per agent as possible upstream causes. Default 8.</summary>
    public int IncidentsPerAgent { get; set; } = 8;

    /// <summary>
    /// How long before a downstream incident an upstream incident may have started and still be named as its
    /// cause (event time). Default 30 minutes.
    /// </summary>
    public TimeSpan MaxLead { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The smallest share of the downstream agent's changed inputs that must come from the upstream agent's
    /// drifted decisions for it to be named. Default 0.25.
    /// </summary>
    public double MinShare { get; set; } = 0.25;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MaxEdges is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEdges), MaxEdges, "Propagation.MaxEdges must be in [1, 1000000].");
        }

        if (MaxAgents is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAgents), MaxAgents, "Propagation.MaxAgents must be in [1, 100000].");
        }

        if (RecentDecisionsPerAgent is < 16 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(RecentDecisionsPerAgent), RecentDecisionsPerAgent, "Propagation.RecentDecisionsPerAgent must be in [16, 1000000].");
        }

        if (IncidentsPerAgent is < 1 or > 1_000)
        {
            throw new ArgumentOutOfRangeException(nameof(IncidentsPerAgent), IncidentsPerAgent, "Propagation.IncidentsPerAgent must be in [1, 1000].");
        }

        if (MaxLead <= TimeSpan.Zero || MaxLead > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLead), MaxLead, "Propagation.MaxLead must be positive and at most one day.");
        }

        if (!(MinShare > 0 && MinShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinShare), MinShare, "Propagation.MinShare must be in (0, 1].");
        }
    }
}
