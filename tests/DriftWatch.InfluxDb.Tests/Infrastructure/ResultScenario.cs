using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Propagation;
using DriftWatch.Core.Results;

namespace DriftWatch.InfluxDb.Tests.Infrastructure;

/// <summary>
/// Two hours of synthetic detection results, one batch per minute: an agent whose behaviour drifts after the
/// first hour (its scores climb through their thresholds and alerts fire) and a quiet agent whose scores stay
/// well below them, plus window statistics and pipeline health for both.
/// </summary>
public static class ResultScenario
{
    public const string DriftingAgent = "router-drifting";
    public const string QuietAgent = "router-quiet";
    public const string Environment = "production";
    public const string Decision = "route";
    public const string Instance = "dw-0";
    public const string SegmentFeature = "decision.outcome|input.features.urgency=high";
    public const int Minutes = 120;

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset End => Start.AddMinutes(Minutes);

    // (feature, detector, threshold): the detection decision series ("drift", threshold 1) that dashboards
    // and alert rules read, beside a raw test statistic they must not mistake for a decision.
    public static readonly (string Feature, string Detector, double Threshold)[] Features =
    [
        ("decision.outcome", "drift", 1),
        ("decision.confidence", "drift", 1),
        (SegmentFeature, "drift", 1),
        (SegmentFeature, "chi2", 11.3),
        // The continuous environment comparison's count of differing state keys (docs/sync.md).
        ("state.keys_differing", "environment", 0.5),
    ];

    public static IReadOnlyList<ResultBatch> Batches()
    {
        var batches = new List<ResultBatch>(Minutes);
        var alerted = new HashSet<string>();
        long processed = 0;
        long deadLettered = 0;
        for (var minute = 0; minute < Minutes; minute++)
        {
            var at = Start.AddMinutes(minute + 1);
            var scores = new List<FeatureScore>();
            var alerts = new List<DriftAlert>();
            var windows = new List<WindowSummary>();
            foreach (var agent in new[] { DriftingAgent, QuietAgent })
            {
                var key = new BehaviourKey(agent, Environment, Decision);
                foreach (var (feature, detector, threshold) in Features)
                {
                    // The raw statistic sits over its threshold for both agents (large windows make tiny
                    // differences significant); only the decision series may tell them apart.
                    var score = threshold * (detector == "drift" ? Level(agent, minute, feature.Length) : 1.5);
                    var fs = new FeatureScore(key, feature, detector, score, threshold, at, at.AddMinutes(-5), at, 2000, 200);
                    scores.Add(fs);
                    if (detector == "drift" && fs.Exceeded && alerted.Add(agent + feature))
                    {
                        alerts.Add(new DriftAlert(key, feature, detector, score, threshold,
                            score > 2 * threshold ? AlertSeverity.Critical : AlertSeverity.Warning,
                            at, at.AddMinutes(-5), at, $"{feature} drifted: \"escalate\" share rose",
                            [new ValueShift("escalate", 0.12, 0.41), new ValueShift("billing", 0.55, 0.30)]));
                    }
                }

                var drift = agent == DriftingAgent && minute >= 60 ? 1.0 : 0.0;
                var shares = new Dictionary<string, double>
                {
                    ["billing"] = 0.55 - (0.25 * drift),
                    ["technical"] = 0.33 - (0.04 * drift),
                    ["escalate"] = 0.12 + (0.29 * drift),
                };
                var means = new Dictionary<string, double>
                {
                    ["decision.confidence"] = 0.86 - (0.2 * drift),
                    ["output.sentiment"] = 0.21,
                    ["metrics.latency_ms"] = 580 + (minute % 7),
                };
                windows.Add(new WindowSummary(key, at.AddMinutes(-1), at, 200 + (minute % 5), shares, means));
                processed += 200 + (minute % 5);
            }

            deadLettered += minute % 10 == 0 ? 1 : 0;
            var health = new PipelineHealth(at, Instance, processed, 6.8 + (minute % 3), deadLettered, 40 - (minute % 4));
            // The quiet agent feeds the drifting one (docs/propagation.md): the agent graph's edge.
            var edge = new AgentEdge(Environment, QuietAgent, DriftingAgent, 100L * (minute + 1), at);
            batches.Add(new ResultBatch(scores, alerts, windows, health) { Edges = [edge] });
        }

        return batches;
    }

    // Score as a multiple of the threshold: the drifting agent climbs from 0.3 to 2.4 over the second hour,
    // the quiet agent wobbles between 0.2 and 0.5.
    private static double Level(string agent, int minute, int salt)
    {
        var wobble = 0.15 * Math.Sin((minute + salt) / 3.0);
        if (agent == QuietAgent || minute < 60)
        {
            return 0.35 + wobble;
        }

        return 0.3 + (2.1 * (minute - 60) / 59.0);
    }
}
