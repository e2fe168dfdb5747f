using DriftWatch.Simulation;

namespace DriftWatch.Evaluation;

/// <summary>One simulated run of the evaluation: a drift kind and mode (or none) with one seed.</summary>
internal sealed record EvaluationCase(string Group, DriftKind? Kind, DriftMode? Mode, long Seed, SimulationOptions Options, bool Sparse = false)
{
    /// <summary>Segments misrouted in the extra runs for the root-segment figures (urgency=high is the main runs' segment).</summary>
    internal static readonly KeyValuePair<string, string>[] RootSegments =
        [new("category", "technical"), new("category", "billing"), new("channel", "chat"), new("urgency", "low")];

    /// <summary>An extra run for the incident figures only, left out of the detection tables.</summary>
    internal bool IncidentsOnly { get; init; }

    internal const string QuietGroup = "quiet fleet";
    internal const string SparseQuietGroup = "sparse quiet fleet";

    /// <summary>Whether a group has no drift (its alerts are all false alarms).</summary>
    internal static bool IsQuiet(string group) => group is QuietGroup or SparseQuietGroup;

    // Onsets around half way that fall at different points of the detector's 250-event windows (with 8,000
    // decisions per agent: 3,600, 3,760, 3,920, 4,080, 4,240), so a delay is not always measured from a
    // window boundary.
    internal static readonly double[] Onsets = [0.45, 0.47, 0.49, 0.51, 0.53];

    internal static string GroupName(DriftKind kind, DriftMode mode) =>
        $"{DriftScenario.KindName(kind)} ({(mode == DriftMode.Sudden ? "sudden" : "gradual")})";

    /// <summary>
    /// Every drift kind, sudden and gradual, over N seeds each, then one quiet fleet and the sparse quiet fleets (seeds 1001..). Each scenario group has
    /// its own seeds (group g uses 100g+1 .. 100g+N) so the undrifted agents of different groups are
    /// independent samples, not the same streams counted ten times. The drifting agent rotates with the run
    /// so every agent profile drifts somewhere; the onset moves with it around half way, and a gradual drift
    /// ramps over the simulator's default 2,000 events.
    /// </summary>
    internal static IReadOnlyList<EvaluationCase> Plan(EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var cases = new List<EvaluationCase>();
        var agentIds = new SimulationOptions { Agents = settings.Agents }.AgentIds();
        var group = 0;
        foreach (var kind in Enum.GetValues<DriftKind>())
        {
            foreach (var mode in new[] { DriftMode.Sudden, DriftMode.Gradual })
            {
                group++;
                for (var run = 0; run < settings.Seeds; run++)
                {
                    var seed = (100L * group) + run + 1;
                    var scenario = new DriftScenario(kind) { Agent = agentIds[run % agentIds.Count], Mode = mode, Onset = Onsets[run % Onsets.Length] };
                    var options = new SimulationOptions { Seed = seed, Agents = settings.Agents, Events = settings.Events, Scenarios = [scenario] };
                    cases.Add(new EvaluationCase(GroupName(kind, mode), kind, mode, seed, options));
                }
            }
        }

        cases.Add(new EvaluationCase(QuietGroup, null, null, settings.QuietSeed, new SimulationOptions { Seed = settings.QuietSeed, Agents = settings.Agents, Events = settings.QuietEvents }));
        for (var run = 0; run < settings.SparseSeeds; run++)
        {
            var seed = 1000L + run + 1;
            cases.Add(new EvaluationCase(SparseQuietGroup, null, null, seed, new SimulationOptions { Seed = seed, Agents = settings.Agents, Events = settings.SparseEvents }, Sparse: true));
        }

        // Extra misrouting runs in other segments (seeds 2001..), for the root-segment figures only.
        for (var s = 0; s < RootSegments.Length; s++)
        {
            for (var run = 0; run < settings.RootSeeds; run++)
            {
                var seed = 2000L + (100L * s) + run + 1;
                var scenario = new DriftScenario(DriftKind.Misrouting) { Agent = agentIds[run % agentIds.Count], Segment = RootSegments[s], Onset = Onsets[run % Onsets.Length] };
                var options = new SimulationOptions { Seed = seed, Agents = settings.Agents, Events = settings.Events, Scenarios = [scenario] };
                cases.Add(new EvaluationCase($"misrouting {RootSegments[s].Key}={RootSegments[s].Value} (sudden)", DriftKind.Misrouting, DriftMode.Sudden, seed, options) { IncidentsOnly = true });
            }
        }

        return cases;
    }

    /// <summary>A file name for this case's events.</summary>
    internal string FileName =>
        (Kind is { } kind ? $"{DriftScenario.KindName(kind)}-{(Mode == DriftMode.Sudden ? "sudden" : "gradual")}{(IncidentsOnly ? "-segment" : string.Empty)}" : Sparse ? "sparse-quiet" : "quiet") + $"-seed{Seed}.jsonl";
}
