using System.Globalization;
using System.Text;
using DriftWatch.Core.Events;

namespace DriftWatch.Simulation.Tests;

/// <summary>Shared helpers: running a fleet and summarising one agent's decisions.</summary>
internal static class Fleet
{
    public static List<SimulatedRecord> Run(SimulationOptions options) => [.. new FleetSimulator(options).Generate()];

    public static SimulationOptions With(params DriftScenario[] scenarios)
    {
        var options = new SimulationOptions();
        foreach (var scenario in scenarios)
        {
            options.Scenarios.Add(scenario);
        }

        return options;
    }

    public static List<DecisionEvent> DecisionsOf(IEnumerable<SimulatedRecord> records, string agentId) =>
        [.. records.Where(r => r.IsDecision && r.AgentId == agentId).Select(r => r.Decision!)];

    /// <summary>Every field value of a record, in a fixed order, so sequences can be compared exactly.</summary>
    public static string Describe(SimulatedRecord record)
    {
        var sb = new StringBuilder();
        if (record.Decision is { } d)
        {
            sb.Append("D|").Append(d.EventId).Append('|').Append(d.AgentId).Append('|').Append(d.AgentVersion)
                .Append('|').Append(d.Environment).Append('|').Append(d.Timestamp.ToString("O", CultureInfo.InvariantCulture))
                .Append('|').Append(d.DecisionName).Append('|').Append(d.Outcome)
                .Append('|').Append(d.Confidence?.ToString("R", CultureInfo.InvariantCulture))
                .Append('|').Append(d.InputText).Append('|').Append(Pairs(d.InputFeatures))
                .Append('|').Append(d.OutputText).Append('|').Append(d.Sentiment?.ToString("R", CultureInfo.InvariantCulture))
                .Append('|').Append(string.Join(';', d.ToolCalls.Select(t => $"{t.Name}/{t.Status}/{t.LatencyMs?.ToString("R", CultureInfo.InvariantCulture)}")))
                .Append('|').Append(string.Join(';', d.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)
                    .Select(m => m.Key + "=" + m.Value.ToString("R", CultureInfo.InvariantCulture))))
                .Append('|').Append(Pairs(d.Labels)).Append('|').Append(d.StateVersion);
        }
        else
        {
            var s = record.State!;
            sb.Append("S|").Append(s.EventId).Append('|').Append(s.AgentId).Append('|').Append(s.Environment)
                .Append('|').Append(s.Timestamp.ToString("O", CultureInfo.InvariantCulture)).Append('|').Append(s.Key)
                .Append('|').Append(s.Op).Append('|')
                .Append(s.Value.ValueKind == System.Text.Json.JsonValueKind.Undefined ? "" : s.Value.GetRawText())
                .Append('|').Append(Pairs(s.Segment)).Append('|').Append(s.StateVersion);
        }

        return sb.ToString();
    }

    public static double EscalationShare(IEnumerable<DecisionEvent> decisions, bool highUrgencyOnly)
    {
        var selected = decisions.Where(d => !highUrgencyOnly || d.InputFeatures["urgency"] == "high").ToList();
        return selected.Count(d => d.Outcome == "escalations") / (double)selected.Count;
    }

    public static double MedianLatency(IEnumerable<DecisionEvent> decisions) => Median(decisions.Select(d => d.Metrics["latency_ms"]));

    public static double MeanSentiment(IEnumerable<DecisionEvent> decisions) => decisions.Average(d => d.Sentiment!.Value);

    public static double MeanConfidence(IEnumerable<DecisionEvent> decisions) => decisions.Average(d => d.Confidence!.Value);

    /// <summary>Share of reply words in <paramref name="later"/> never used in <paramref name="earlier"/>.</summary>
    public static double NewWordShare(IEnumerable<DecisionEvent> earlier, IEnumerable<DecisionEvent> later)
    {
        var known = new HashSet<string>(earlier.SelectMany(d => Words(d.OutputText!)), StringComparer.Ordinal);
        var words = later.SelectMany(d => Words(d.OutputText!)).ToList();
        return words.Count(w => !known.Contains(w)) / (double)words.Count;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1
            ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string[] Words(string text) =>
        text.Split([' ', '.', ',', '!', '?'], StringSplitOptions.RemoveEmptyEntries);

    private static string Pairs(IReadOnlyDictionary<string, string> pairs) =>
        string.Join(';', pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
}
