using DriftWatch.Core.Events;
using DriftWatch.Core.Propagation;

namespace DriftWatch.Core.Tests.Propagation;

public sealed class PropagationMapTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FindUpstream_ParentDriftedInTheSegmentItHandsOver_NamesTheParentWithItsShare()
    {
        var map = Chain(routerSegmentValue: "high");
        map.RecordIncident(new DriftReport(Router, "inc-00000000000000aa", T0.AddSeconds(50), T0.AddSeconds(40), new DriftSegment("urgency", "high")));

        var upstream = map.FindUpstream(new DriftReport(Responder, "inc-00000000000000bb", T0.AddSeconds(99), T0.AddSeconds(60), new DriftSegment("urgency", "high")));

        Assert.NotNull(upstream);
        Assert.Equal("router", upstream.AgentId);
        Assert.Equal("inc-00000000000000aa", upstream.IncidentId);
        Assert.Equal(1.0, upstream.Share);
        Assert.Equal("router drift at 08:00 feeds 100% of this agent's changed inputs", upstream.Sentence);
    }

    [Fact]
    public void FindUpstream_ParentDriftedInASegmentThatDoesNotReachTheChild_ReturnsNull()
    {
        // The router drifted on urgency=low tickets; the responder's changed inputs are urgency=high ones.
        var map = Chain(routerSegmentValue: "high");
        map.RecordIncident(new DriftReport(Router, "inc-00000000000000aa", T0.AddSeconds(50), T0.AddSeconds(40), new DriftSegment("urgency", "low")));

        var upstream = map.FindUpstream(new DriftReport(Responder, "inc-00000000000000bb", T0.AddSeconds(99), T0.AddSeconds(60), new DriftSegment("urgency", "high")));

        Assert.Null(upstream);
    }

    [Fact]
    public void FindUpstream_ParentIncidentStartedAfterTheChildIncident_ReturnsNull()
    {
        var map = Chain(routerSegmentValue: "high");
        map.RecordIncident(new DriftReport(Router, "inc-00000000000000aa", T0.AddSeconds(100), T0.AddSeconds(40), new DriftSegment("urgency", "high")));

        var upstream = map.FindUpstream(new DriftReport(Responder, "inc-00000000000000bb", T0.AddSeconds(99), T0.AddSeconds(60), new DriftSegment("urgency", "high")));

        Assert.Null(upstream);
    }

    [Fact]
    public void FindUpstream_TracesOfChildNotAmongParentsDriftedDecisions_ReturnsNull()
    {
        // Same agents, segments and times, but the responder's traces do not continue from the router's decisions.
        var map = new PropagationMap();
        for (int i = 0; i < 100; i++)
        {
            map.Observe(Decision("router", null, T0.AddSeconds(i), "high", $"r{i}"));
            map.Observe(Decision("responder", "router", T0.AddSeconds(i).AddMilliseconds(500), "high", $"x{i}"));
        }

        map.RecordIncident(new DriftReport(Router, "inc-00000000000000aa", T0.AddSeconds(50), T0.AddSeconds(40), new DriftSegment("urgency", "high")));

        Assert.Null(map.FindUpstream(new DriftReport(Responder, "inc-00000000000000bb", T0.AddSeconds(99), T0.AddSeconds(60), null)));
    }

    [Fact]
    public void Observe_MoreEdgesThanMaxEdges_EvictsTheSmallestEdge()
    {
        var map = new PropagationMap(new PropagationOptions { MaxEdges = 2 });
        for (int i = 0; i < 5; i++)
        {
            map.Observe(Decision("b", "a", T0.AddSeconds(i), "low", null));
        }

        map.Observe(Decision("c", "a", T0.AddSeconds(6), "low", null));
        map.Observe(Decision("d", "a", T0.AddSeconds(7), "low", null));

        var edges = map.Edges();
        Assert.Equal(2, edges.Count);
        Assert.Equal(("a", "b", 5L), (edges[0].Parent, edges[0].Child, edges[0].Events));
        Assert.Equal("d", edges[1].Child);
    }

    [Fact]
    public void Observe_MoreAgentsThanMaxAgents_ForgetsTheLeastRecentlySeen()
    {
        var map = new PropagationMap(new PropagationOptions { MaxAgents = 2 });
        map.Observe(Decision("a", null, T0, "low", null));
        map.Observe(Decision("b", null, T0, "low", null));
        map.Observe(Decision("a", null, T0, "low", null));
        map.Observe(Decision("c", null, T0, "low", null));

        Assert.Equal(2, map.AgentCount);
        Assert.Null(map.FindUpstream(new DriftReport(new BehaviourKey("b", "production", "route"), "inc-00000000000000cc", T0, T0, null)));
    }

    private static readonly BehaviourKey Router = new("router", "production", "route");
    private static readonly BehaviourKey Responder = new("responder", "production", "route");

    // 100 tickets, one a second: the router routes each, the responder gets every one in the same trace.
    private static PropagationMap Chain(string routerSegmentValue)
    {
        var map = new PropagationMap();
        for (int i = 0; i < 100; i++)
        {
            map.Observe(Decision("router", null, T0.AddSeconds(i), routerSegmentValue, $"t{i}"));
            map.Observe(Decision("responder", "router", T0.AddSeconds(i).AddMilliseconds(500), routerSegmentValue, $"t{i}"));
        }

        return map;
    }

    private static DecisionEvent Decision(string agent, string? parent, DateTimeOffset at, string urgency, string? trace) => new()
    {
        EventId = Guid.NewGuid().ToString(),
        AgentId = agent,
        Timestamp = at,
        DecisionName = "route",
        Outcome = "x",
        InputFeatures = new Dictionary<string, string> { ["urgency"] = urgency },
        TraceId = trace,
        ParentAgentId = parent,
    };
}
