namespace DriftWatch.Simulation;

/// <summary>What a simulated run contains and where its drifts are: the ground truth for evaluating detection.</summary>
/// <param name="Seed">The seed the run was generated from.</param>
/// <param name="Environment">The environment of every event.</param>
/// <param name="AgentIds">The fleet's agents, in order.</param>
/// <param name="DecisionEvents">Decision events in the run.</param>
/// <param name="StateEvents">State events in the run (background and causal).</param>
/// <param name="FirstTimestamp">Timestamp of the first event.</param>
/// <param name="LastTimestamp">Timestamp of the last event.</param>
/// <param name="Scenarios">Ground truth per injected drift, in the order the scenarios were given.</param>
public sealed record SimulationManifest(
    long Seed,
    string Environment,
    IReadOnlyList<string> AgentIds,
    int DecisionEvents,
    int StateEvents,
    DateTimeOffset FirstTimestamp,
    DateTimeOffset LastTimestamp,
    IReadOnlyList<ScenarioGroundTruth> Scenarios)
{
    /// <summary>All events in the run: <see cref="DecisionEvents"/> plus <see cref="StateEvents"/>.</summary>
    public long TotalEvents => (long)DecisionEvents + StateEvents;
}

/// <summary>Where one injected drift starts, what should be flagged, and the state change that caused it.</summary>
/// <param name="Spec">The scenario in <see cref="DriftScenario.Parse"/> syntax.</param>
/// <param name="Kind">The drift kind.</param>
/// <param name="Mode">Sudden or gradual.</param>
/// <param name="AgentId">The drifting agent.</param>
/// <param name="DecisionName">The agent's decision name (with agent and environment, the behaviour key).</param>
/// <param name="ExpectedFeature">The contract feature a detector should flag.</param>
/// <param name="OnsetAgentIndex">0-based index of the first drifted decision among the agent's decision events.</param>
/// <param name="OnsetGlobalIndex">0-based index of that decision among all generated events (decision and state).</param>
/// <param name="OnsetTimestamp">Timestamp of the first drifted decision.</param>
/// <param name="FullStrengthAgentIndex">Agent decision index from which the drift is at full strength (may lie past the run's end).</param>
/// <param name="FullStrengthTimestamp">Timestamp of that decision; null when the run ends before full strength.</param>
/// <param name="CausalStateEventId">event_id of the state event emitted just before the onset.</param>
/// <param name="CausalStateGlobalIndex">0-based index of that state event among all generated events.</param>
/// <param name="CausalStateKey">Its key, e.g. policy/routing/urgency-high.</param>
/// <param name="CausalStateSegment">Its segment (empty for all traffic).</param>
/// <param name="CausalStateVersion">The state_version it sets, carried by the agent's following decisions.</param>
public sealed record ScenarioGroundTruth(
    string Spec,
    DriftKind Kind,
    DriftMode Mode,
    string AgentId,
    string DecisionName,
    string ExpectedFeature,
    int OnsetAgentIndex,
    long OnsetGlobalIndex,
    DateTimeOffset OnsetTimestamp,
    int FullStrengthAgentIndex,
    DateTimeOffset? FullStrengthTimestamp,
    string CausalStateEventId,
    long CausalStateGlobalIndex,
    string CausalStateKey,
    IReadOnlyDictionary<string, string> CausalStateSegment,
    string CausalStateVersion);
