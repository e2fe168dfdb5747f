namespace DriftWatch.Simulation.Tests;

public sealed class ChainSimulatorTests
{
    [Fact]
    public void Generate_TwoEnumerations_SameEventsInTimestampOrder()
    {
        var chain = new ChainSimulator(new ChainOptions { Tickets = 2_000, Drift = ChainDrift.Upstream });

        var first = chain.Generate().ToList();
        var second = chain.Generate().ToList();

        Assert.Equal(first.Select(e => e.EventId), second.Select(e => e.EventId));
        Assert.True(first.Zip(first.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));
    }

    [Fact]
    public void Generate_DownstreamDecisions_NameTheirFeedingAgentAndContinueItsTrace()
    {
        var events = new ChainSimulator(new ChainOptions { Tickets = 2_000 }).Generate().ToList();
        var routerTraces = events.Where(e => e.AgentId == ChainOptions.Router).Select(e => e.TraceId).ToHashSet();
        var responderTraces = events.Where(e => e.AgentId == ChainOptions.Responder).Select(e => e.TraceId).ToHashSet();

        Assert.Equal(2_000, events.Count(e => e.AgentId == ChainOptions.Router));
        Assert.All(events.Where(e => e.AgentId == ChainOptions.Router), e => Assert.Null(e.ParentAgentId));
        Assert.All(events.Where(e => e.AgentId == ChainOptions.Responder), e =>
        {
            Assert.Equal(ChainOptions.Router, e.ParentAgentId);
            Assert.Contains(e.TraceId, routerTraces);
        });
        Assert.All(events.Where(e => e.AgentId == ChainOptions.ToolAgent), e =>
        {
            Assert.Equal(ChainOptions.Responder, e.ParentAgentId);
            Assert.Contains(e.TraceId, responderTraces);
        });
        Assert.Contains(events, e => e.AgentId == ChainOptions.ToolAgent);
        Assert.All(events, e => Assert.Matches("^[0-9a-f]{32}$", e.TraceId!));
        Assert.All(events, e => Assert.Matches("^[0-9a-f]{16}$", e.SpanId!));
    }

    [Fact]
    public void Generate_UpstreamDrift_ResponderGetsMoreUrgentTicketsAfterTheOnset()
    {
        var chain = new ChainSimulator(new ChainOptions { Tickets = 20_000, Drift = ChainDrift.Upstream });
        var events = chain.Generate().ToList();
        var onset = events.Where(e => e.AgentId == ChainOptions.Router).ElementAt(chain.OnsetTicket).Timestamp;

        double UrgentShare(bool after) => events
            .Where(e => e.AgentId == ChainOptions.Responder && (e.Timestamp >= onset) == after)
            .Average(e => e.InputFeatures["urgency"] == "high" ? 1.0 : 0.0);

        Assert.InRange(UrgentShare(after: false), 0.02, 0.09);
        Assert.InRange(UrgentShare(after: true), 0.18, 0.32);
    }

    [Fact]
    public void Generate_DownstreamDrift_RouterUnchanged()
    {
        var quiet = new ChainSimulator(new ChainOptions { Tickets = 3_000 }).Generate().Where(e => e.AgentId == ChainOptions.Router).ToList();
        var drifted = new ChainSimulator(new ChainOptions { Tickets = 3_000, Drift = ChainDrift.Downstream }).Generate().Where(e => e.AgentId == ChainOptions.Router).ToList();

        Assert.Equal(quiet.Select(e => (e.EventId, e.Outcome)), drifted.Select(e => (e.EventId, e.Outcome)));
    }

    [Fact]
    public void Constructor_OnsetOutOfRange_ThrowsNamingOnset()
    {
        var error = Assert.Throws<ArgumentException>(() => new ChainSimulator(new ChainOptions { Onset = 1.5 }));

        Assert.Equal(nameof(ChainOptions.Onset), error.ParamName);
    }
}
