using System.Diagnostics;
using DriftWatch.Core.Detection;

namespace DriftWatch.Evaluation;

/// <summary>Generates one case's file, replays it through both detectors and scores them.</summary>
internal static class CaseRunner
{
    internal static CaseResult Run(EvaluationCase evaluationCase, string workDirectory, bool keepFile, bool ml = false)
    {
        ArgumentNullException.ThrowIfNull(evaluationCase);
        var clock = Stopwatch.StartNew();
        var path = Path.Combine(workDirectory, evaluationCase.FileName);
        var manifest = ScenarioFile.Write(evaluationCase.Options, path, evaluationCase.Sparse);
        var options = new DriftMonitorOptions();
        ReplayTrace trace;
        try
        {
            trace = FileReplay.Run(path, options, ml);
        }
        finally
        {
            if (!keepFile)
            {
                File.Delete(path);
            }
        }

        var truth = manifest.Scenarios.Count == 0
            ? null
            : new ScenarioTruth(manifest.Scenarios[0].AgentId, manifest.Scenarios[0].OnsetAgentIndex, manifest.Scenarios[0].ExpectedFeature);
        var scenario = manifest.Scenarios.Count == 0 ? null : manifest.Scenarios[0];
        string? expectedRoot = evaluationCase.Kind == Simulation.DriftKind.Misrouting && scenario is not null && scenario.CausalStateSegment.Count == 1
            ? $"{scenario.CausalStateSegment.First().Key}={scenario.CausalStateSegment.First().Value}"
            : null;
        return new CaseResult(
            evaluationCase.Group,
            evaluationCase.Seed,
            manifest.Scenarios.Count == 0 ? null : manifest.Scenarios[0].Spec,
            truth?.AgentId,
            truth?.OnsetAgentIndex,
            truth?.ExpectedFeature,
            trace.Lines,
            trace.BadLines,
            trace.AgentDecisions,
            RunScorer.Score(truth, trace.AgentDecisions, trace.DriftMonitorAlerts, options.ReferenceSize),
            RunScorer.Score(truth, trace.AgentDecisions, trace.BaselineAlerts, MeanShiftDetector.ReferenceSize),
            clock.Elapsed.TotalSeconds)
        {
            Incidents = IncidentScore.Of(truth, expectedRoot, trace.Incidents),
            IncidentsOnly = evaluationCase.IncidentsOnly,
        };
    }
}
