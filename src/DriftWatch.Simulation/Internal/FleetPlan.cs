namespace DriftWatch.Simulation.Internal;

/// <summary>A scenario resolved against the fleet: which agent, and which of its decision events is the onset.</summary>
internal sealed record PlannedScenario(int ScenarioIndex, DriftScenario Scenario, int AgentIndex, int OnsetIndex)
{
    /// <summary>Drift strength in [0, 1] at the agent's decision <paramref name="decisionIndex"/>.</summary>
    public double StrengthAt(int decisionIndex)
    {
        if (decisionIndex < OnsetIndex)
        {
            return 0;
        }

        return Scenario.Mode == DriftMode.Sudden
            ? 1
            : Math.Min(1.0, (decisionIndex - OnsetIndex + 1) / (double)Scenario.Ramp);
    }
}

/// <summary>Everything about one agent that is fixed before the first event.</summary>
internal sealed record AgentPlan(int Index, AgentProfile Profile, int DecisionCount, PlannedScenario[] Scenarios, int StateVersionBase);

/// <summary>The fleet resolved from validated options; shared by event generation and the manifest.</summary>
internal sealed class FleetPlan
{
    // Stream tags keep timing, content, causal ids and version bases independent of each other.
    public const ulong TimingStream = 0x7431;
    public const ulong ContentStream = 0xC047;
    public const ulong CausalStream = 0xCA05;
    public const ulong VersionStream = 0x5E70;

    public FleetPlan(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var ids = options.AgentIds();
        var perAgent = new List<PlannedScenario>[ids.Count];
        var counts = new int[ids.Count];
        for (var a = 0; a < ids.Count; a++)
        {
            counts[a] = options.Events / ids.Count + (a < options.Events % ids.Count ? 1 : 0);
            perAgent[a] = [];
        }

        var all = new PlannedScenario[options.Scenarios.Count];
        for (var s = 0; s < all.Length; s++)
        {
            var scenario = options.Scenarios[s];
            var agent = scenario.Agent is null ? 0 : IndexOf(ids, scenario.Agent);

            // Onset 1 means "at the very end": clamp so the causal event and one drifted decision still exist.
            var onset = Math.Min((int)Math.Floor(scenario.Onset * counts[agent]), counts[agent] - 1);
            all[s] = new PlannedScenario(s, scenario, agent, onset);
            perAgent[agent].Add(all[s]);
        }

        Scenarios = all;
        var agents = new AgentPlan[ids.Count];
        for (var a = 0; a < agents.Length; a++)
        {
            var versionBase = 100 + (int)(SimRandom.Derive(options.Seed, a, VersionStream) % 900);
            agents[a] = new AgentPlan(a, AgentProfile.For(a), counts[a], [.. perAgent[a]], versionBase);
        }

        Agents = agents;
    }

    public SimulationOptions Options { get; }

    public AgentPlan[] Agents { get; }

    public PlannedScenario[] Scenarios { get; }

    public static string StateVersion(int number) => "mem-" + number.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private static int IndexOf(IReadOnlyList<string> ids, string id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] == id)
            {
                return i;
            }
        }

        throw new ArgumentException($"Agent '{id}' is not in the fleet.", nameof(id));
    }
}
