namespace DriftWatch.Simulation.Internal;

/// <summary>Derives the ground truth by walking the arrival schedule with the same rules as event generation.</summary>
internal static class ManifestBuilder
{
    public static SimulationManifest Build(FleetPlan plan)
    {
        var options = plan.Options;
        var agents = plan.Agents;
        var stateNumbers = new int[agents.Length];
        for (var a = 0; a < agents.Length; a++)
        {
            stateNumbers[a] = agents[a].StateVersionBase;
        }

        var truths = new ScenarioGroundTruth?[plan.Scenarios.Length];
        var fullTimes = new DateTimeOffset?[plan.Scenarios.Length];
        long global = 0;
        var stateEvents = 0;
        DateTimeOffset? first = null;
        var last = options.Start;
        foreach (var slot in FleetSchedule.Walk(plan))
        {
            var timestamp = options.Start.AddTicks(slot.TimeMs * TimeSpan.TicksPerMillisecond);
            first ??= timestamp;
            last = timestamp;
            global += slot.BackgroundStates;
            stateEvents += slot.BackgroundStates;
            stateNumbers[slot.Agent] += slot.BackgroundStates;

            List<(PlannedScenario Planned, long Index, int Version)>? causal = null;
            foreach (var planned in agents[slot.Agent].Scenarios)
            {
                if (planned.OnsetIndex == slot.DecisionIndex)
                {
                    (causal ??= []).Add((planned, global++, ++stateNumbers[slot.Agent]));
                    stateEvents++;
                }

                if (FullIndex(planned) == slot.DecisionIndex)
                {
                    fullTimes[planned.ScenarioIndex] = timestamp;
                }
            }

            foreach (var (planned, index, version) in causal ?? [])
            {
                var scenario = planned.Scenario;
                truths[planned.ScenarioIndex] = new ScenarioGroundTruth(
                    scenario.ToString(),
                    scenario.Kind,
                    scenario.Mode,
                    agents[planned.AgentIndex].Profile.AgentId,
                    agents[planned.AgentIndex].Profile.DecisionName,
                    scenario.ExpectedFeature,
                    planned.OnsetIndex,
                    global,
                    timestamp,
                    FullIndex(planned),
                    null,
                    AgentModel.CausalEventId(options.Seed, planned),
                    index,
                    scenario.CausalStateKey,
                    scenario.Kind == DriftKind.Misrouting
                        ? new Dictionary<string, string> { [scenario.Segment.Key] = scenario.Segment.Value }
                        : new Dictionary<string, string>(),
                    FleetPlan.StateVersion(version));
            }

            global++;
        }

        var scenarios = new ScenarioGroundTruth[truths.Length];
        for (var s = 0; s < scenarios.Length; s++)
        {
            scenarios[s] = truths[s]! with { FullStrengthTimestamp = fullTimes[s] };
        }

        return new SimulationManifest(
            options.Seed,
            options.Environment,
            options.AgentIds(),
            options.Events,
            stateEvents,
            first ?? options.Start,
            last,
            scenarios);
    }

    private static int FullIndex(PlannedScenario planned) =>
        planned.Scenario.Mode == DriftMode.Sudden ? planned.OnsetIndex : planned.OnsetIndex + planned.Scenario.Ramp - 1;
}
