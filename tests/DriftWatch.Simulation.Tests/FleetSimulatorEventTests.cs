using DriftWatch.Core.Events;

namespace DriftWatch.Simulation.Tests;

public class FleetSimulatorEventTests
{
    private static readonly string[] Teams = ["billing", "tech_support", "accounts", "logistics", "escalations", "general"];
    private static readonly string[] ToolNames = ["lookup_order", "search_kb", "create_ticket", "issue_refund"];

    [Fact]
    public void Generate_ManyAgents_TimestampsNonDecreasing()
    {
        var records = Fleet.Run(new SimulationOptions { Agents = 9, Events = 9_000, EventsPerSecond = 20 });

        for (var i = 1; i < records.Count; i++)
        {
            Assert.True(records[i].Timestamp >= records[i - 1].Timestamp, $"record {i} goes back in time");
        }
    }

    [Fact]
    public void Generate_DefaultRate_DurationMatchesEventsPerSecond()
    {
        var options = new SimulationOptions();
        var records = Fleet.Run(options);

        // 5,000 decisions per agent at 50/s is about 100 s of event time.
        var seconds = (records[^1].Timestamp - options.Start).TotalSeconds;
        Assert.InRange(seconds, 90, 110);
        Assert.True(records[0].Timestamp >= options.Start);
    }

    [Fact]
    public void Generate_EveryDecision_HasContractFieldsInRange()
    {
        var options = new SimulationOptions { Environment = "staging", Events = 8_000 };
        var decisions = Fleet.Run(options).Where(r => r.IsDecision).Select(r => r.Decision!).ToList();
        var ids = new HashSet<string>(StringComparer.Ordinal);

        Assert.Equal(8_000, decisions.Count);
        foreach (var d in decisions)
        {
            Assert.True(Guid.TryParse(d.EventId, out _), d.EventId);
            Assert.True(ids.Add(d.EventId), $"duplicate event id {d.EventId}");
            Assert.Contains(d.AgentId, options.AgentIds());
            Assert.Equal("staging", d.Environment);
            Assert.False(string.IsNullOrEmpty(d.DecisionName));
            Assert.False(string.IsNullOrEmpty(d.AgentVersion));
            Assert.Contains(d.Outcome, Teams);
            Assert.InRange(d.Confidence!.Value, 0, 1);
            Assert.InRange(d.Sentiment!.Value, -1, 1);
            Assert.False(string.IsNullOrWhiteSpace(d.InputText));
            Assert.False(string.IsNullOrWhiteSpace(d.OutputText));
            Assert.Contains(d.InputFeatures["category"], new[] { "billing", "technical", "account", "shipping", "returns", "feedback" });
            Assert.Contains(d.InputFeatures["urgency"], new[] { "low", "medium", "high" });
            Assert.Contains(d.InputFeatures["channel"], new[] { "email", "chat", "phone" });
            Assert.True(d.Metrics["latency_ms"] > 0);
            Assert.True(d.Metrics["tokens_in"] > 0);
            Assert.True(d.Metrics["tokens_out"] > 0);
            Assert.False(string.IsNullOrEmpty(d.Labels["model"]));
            Assert.False(string.IsNullOrEmpty(d.Labels["prompt_version"]));
            Assert.StartsWith("mem-", d.StateVersion, StringComparison.Ordinal);
            foreach (var call in d.ToolCalls)
            {
                Assert.Contains(call.Name, ToolNames);
                Assert.Contains(call.Status, new[] { "ok", "error" });
                Assert.True(call.LatencyMs > 0);
            }
        }
    }

    [Fact]
    public void Generate_QuietFleet_HealthyPolicyStatistics()
    {
        var decisions = Fleet.Run(new SimulationOptions()).Where(r => r.IsDecision).Select(r => r.Decision!).ToList();

        var highShare = decisions.Count(d => d.InputFeatures["urgency"] == "high") / (double)decisions.Count;
        Assert.InRange(highShare, 0.17, 0.23);
        Assert.InRange(Fleet.EscalationShare(decisions, highUrgencyOnly: true), 0.55, 0.65);
        Assert.InRange(Fleet.EscalationShare(decisions, highUrgencyOnly: false), 0.12, 0.19);
        Assert.InRange(Fleet.MeanConfidence(decisions), 0.76, 0.84);
        Assert.InRange(Fleet.MeanSentiment(decisions), 0.22, 0.36);
        Assert.InRange(Fleet.MedianLatency(decisions), 400, 650);
        Assert.Contains(decisions, d => d.ToolCalls.Any(t => t.Status == "error"));
    }

    [Fact]
    public void Generate_QuietFleet_SecondHalfLooksLikeFirstHalf()
    {
        var decisions = Fleet.DecisionsOf(Fleet.Run(new SimulationOptions()), "support-router");
        var before = decisions[..(decisions.Count / 2)];
        var after = decisions[(decisions.Count / 2)..];

        Assert.InRange(Fleet.EscalationShare(after, true) - Fleet.EscalationShare(before, true), -0.08, 0.08);
        Assert.InRange(Fleet.MedianLatency(after) / Fleet.MedianLatency(before), 0.92, 1.08);
        Assert.InRange(Fleet.MeanSentiment(after) - Fleet.MeanSentiment(before), -0.03, 0.03);
        Assert.InRange(Fleet.MeanConfidence(after) - Fleet.MeanConfidence(before), -0.02, 0.02);
        Assert.InRange(Fleet.NewWordShare(before, after), 0, 0.01);
    }

    [Fact]
    public void Generate_SixAgents_NumberedNamesAndEvenShares()
    {
        var options = new SimulationOptions { Agents = 6, Events = 6_003 };
        var records = Fleet.Run(options);

        Assert.Equal(
            ["support-router", "billing-triage", "returns-bot", "tech-helpdesk", "support-router-2", "billing-triage-2"],
            new FleetSimulator(options).AgentIds);
        var counts = records.Where(r => r.IsDecision).GroupBy(r => r.AgentId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(6, counts.Count);
        Assert.Equal(1_001, counts["support-router"]);
        Assert.Equal(1_000, counts["billing-triage-2"]);
    }

    [Fact]
    public void Generate_BackgroundStateChanges_BumpVersionAndAvoidCausalKeys()
    {
        var records = Fleet.Run(new SimulationOptions());
        string[] causalKeys = ["policy/routing/urgency-high", "policy/tone", "prompt/reply-template", "tools/search-backend", "model/calibration"];
        var states = records.Where(r => !r.IsDecision).Select(r => r.State!).ToList();

        // About one per 400 decisions of each agent: 20,000 / 400 = 50.
        Assert.InRange(states.Count, 25, 80);
        Assert.DoesNotContain(states, s => causalKeys.Contains(s.Key));
        Assert.Contains(states, s => s.Op == StateOperation.Delete);
        Assert.Contains(states, s => s.Segment.Count > 0);
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].State is not { } state)
            {
                continue;
            }

            var next = records.Skip(i + 1).First(r => r.IsDecision && r.AgentId == state.AgentId).Decision!;
            Assert.Equal(state.StateVersion, next.StateVersion);
        }
    }

    [Fact]
    public void Generate_StateChangesOff_OnlyDecisions()
    {
        var records = Fleet.Run(new SimulationOptions { StateChangeEvery = 0, Events = 2_000 });

        Assert.All(records, r => Assert.True(r.IsDecision));
        Assert.Single(records.Select(r => r.Decision!).Where(d => d.AgentId == "support-router").Select(d => d.StateVersion).Distinct());
    }
}
