using DriftWatch.Core.Events;

namespace DriftWatch.Evaluation;

/// <summary>
/// Turns a simulated fleet into a sparse-data fleet: the same decisions with a deterministic input feature
/// (one value, 100% of the reference), rare input values and labels, rare tool-call statuses and a rare
/// outcome, all at constant rates (so there is still no drift). These are the tables where a chi-square
/// approximation with small expected counts raises false alarms.
/// </summary>
internal sealed class SparseFleet(long seed)
{
    internal const string Region = "region";
    internal const string Tier = "tier";
    internal const string RouteVersion = "route_version";

    private readonly Random _random = new(unchecked((int)(seed * 7919) ^ 0x5EED));

    internal DecisionEvent Decorate(DecisionEvent decision)
    {
        var features = new Dictionary<string, string>(decision.InputFeatures, StringComparer.Ordinal)
        {
            [Region] = "eu",
            [Tier] = Pick(("enterprise", 0.002), ("trial", 0.0005)) ?? "standard",
        };
        var labels = new Dictionary<string, string>(decision.Labels, StringComparer.Ordinal)
        {
            [RouteVersion] = Pick(("r0", 0.005)) ?? "r1",
        };
        var calls = decision.ToolCalls
            .Select(call => call with { Status = Pick(("timeout", 0.004), ("rate_limited", 0.001)) ?? call.Status })
            .ToList();
        string outcome = Pick(("human_handoff", 0.003)) ?? decision.Outcome;
        return decision with { InputFeatures = features, Labels = labels, ToolCalls = calls, Outcome = outcome };
    }

    private string? Pick(params (string Value, double Share)[] rare)
    {
        double u = _random.NextDouble();
        foreach (var (value, share) in rare)
        {
            if (u < share)
            {
                return value;
            }

            u -= share;
        }

        return null;
    }
}
