using DriftWatch.Core.Detection;
using DriftWatch.Evaluation;
using DriftWatch.Simulation;

namespace DriftWatch.Evaluation.Tests;

public sealed class FileReplayTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"driftwatch-eval-{Guid.NewGuid():N}.jsonl");

    [Fact]
    public void Run_SimulatedFileWithSuddenDrift_CountsEveryDecisionAndScoresAgainstTheManifest()
    {
        var options = new SimulationOptions
        {
            Seed = 7,
            Agents = 2,
            Events = 8000,
            Scenarios = [new DriftScenario(DriftKind.ConfidenceDrop) { Agent = "billing-triage" }],
        };
        var manifest = ScenarioFile.Write(options, _path);

        var trace = FileReplay.Run(_path, new DriftMonitorOptions());

        Assert.Equal(manifest.TotalEvents, trace.Lines);
        Assert.Equal(0, trace.BadLines);
        Assert.Equal(manifest.DecisionEvents, trace.AgentDecisions.Values.Sum());
        var truth = manifest.Scenarios[0];
        var score = RunScorer.Score(new ScenarioTruth(truth.AgentId, truth.OnsetAgentIndex, truth.ExpectedFeature), trace.AgentDecisions, trace.DriftMonitorAlerts, 2000);
        Assert.True(score.Detected);
        Assert.InRange(score.DelayEvents!.Value, 0, trace.AgentDecisions[truth.AgentId] - truth.OnsetAgentIndex);
        Assert.All(trace.DriftMonitorAlerts, a => Assert.InRange(a.AgentIndex, 0, trace.AgentDecisions[a.AgentId] - 1));
    }

    [Fact]
    public void Run_WithMl_KeepsEveryStatisticalAlertAndMlSettingsReproduce()
    {
        var options = new SimulationOptions
        {
            Seed = 11,
            Agents = 1,
            Events = 4000,
            Scenarios = [new DriftScenario(DriftKind.NewReplyVocabulary)],
        };
        ScenarioFile.Write(options, _path);

        var statistical = FileReplay.Run(_path, new DriftMonitorOptions());
        var withMl = FileReplay.Run(_path, new DriftMonitorOptions(), ml: true);

        Assert.NotEmpty(statistical.DriftMonitorAlerts);
        Assert.All(statistical.DriftMonitorAlerts, a => Assert.Contains(a, withMl.DriftMonitorAlerts));
        var settings = EvaluationSettings.Parse(["--seeds", "1", "--ml"]);
        Assert.True(settings.Ml);
        Assert.EndsWith("--ml", settings.CommandLine(), StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_path);
}
