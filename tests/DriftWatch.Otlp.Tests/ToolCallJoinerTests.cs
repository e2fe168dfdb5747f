using DriftWatch.Core.Events;
using DriftWatch.Otlp.Mapping;
using static DriftWatch.Otlp.Tests.Spans;

namespace DriftWatch.Otlp.Tests;

public sealed class ToolCallJoinerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TakeDue_ToolSpanInSameRequest_IsJoinedWithoutWait()
    {
        var joiner = new ToolCallJoiner(TimeSpan.Zero, TimeSpan.FromSeconds(30), 100);
        joiner.Add(SpanDecisionMapper.Map(Request(Tool("00000000000000e1", "00000000000000a1", "lookup_order"), Decision("00000000000000a1", "billing"))), T0);

        DecisionEvent e = Assert.Single(joiner.TakeDue(T0)).Event!;

        Assert.Equal("lookup_order", Assert.Single(e.ToolCalls).Name);
    }

    [Fact]
    public void TakeDue_ToolSpanInEarlierRequest_IsJoined()
    {
        var joiner = new ToolCallJoiner(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), 100);
        joiner.Add(SpanDecisionMapper.Map(Request(Tool("00000000000000e1", "00000000000000a1", "refund", error: true))), T0);
        joiner.Add(SpanDecisionMapper.Map(Request(Decision("00000000000000a1", "billing"))), T0.AddSeconds(1));

        DecisionEvent e = Assert.Single(joiner.TakeDue(T0.AddSeconds(3))).Event!;

        Assert.Equal(new ToolCall("refund", "error", 100), Assert.Single(e.ToolCalls));
    }

    [Fact]
    public void TakeDue_NoDecisionWaitAndToolSpanInEarlierRequest_IsJoinedAtOnce()
    {
        var joiner = new ToolCallJoiner(TimeSpan.Zero, TimeSpan.FromSeconds(30), 100);
        joiner.Add(SpanDecisionMapper.Map(Request(Tool("00000000000000e1", "00000000000000a1", "refund"))), T0);
        Assert.Empty(joiner.TakeDue(T0));
        joiner.Add(SpanDecisionMapper.Map(Request(Decision("00000000000000a1", "billing"))), T0.AddSeconds(5));

        DecisionEvent e = Assert.Single(joiner.TakeDue(T0.AddSeconds(5))).Event!;

        Assert.Equal("refund", Assert.Single(e.ToolCalls).Name);
    }

    [Fact]
    public void TakeDue_ToolSpanInLaterRequestWithinWait_IsJoined()
    {
        var joiner = new ToolCallJoiner(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), 100);
        joiner.Add(SpanDecisionMapper.Map(Request(Decision("00000000000000a1", "billing"))), T0);
        Assert.Empty(joiner.TakeDue(T0.AddSeconds(1)));
        joiner.Add(SpanDecisionMapper.Map(Request(Tool("00000000000000e1", "00000000000000a1", "lookup_order"))), T0.AddSeconds(1.5));

        DecisionEvent e = Assert.Single(joiner.TakeDue(T0.AddSeconds(2))).Event!;

        Assert.Equal("lookup_order", Assert.Single(e.ToolCalls).Name);
    }

    [Fact]
    public void TakeDue_ToolSpanAfterWait_IsNotJoinedAndDroppedWhenExpired()
    {
        var joiner = new ToolCallJoiner(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), 100);
        joiner.Add(SpanDecisionMapper.Map(Request(Decision("00000000000000a1", "billing"))), T0);
        DecisionEvent e = Assert.Single(joiner.TakeDue(T0.AddSeconds(2))).Event!;
        joiner.Add(SpanDecisionMapper.Map(Request(Tool("00000000000000e1", "00000000000000a1", "late"))), T0.AddSeconds(3));

        Assert.Empty(joiner.TakeDue(T0.AddSeconds(10)));
        Assert.Equal(0, joiner.DroppedToolSpans);
        Assert.Empty(joiner.TakeDue(T0.AddSeconds(40)));
        Assert.Empty(e.ToolCalls);
        Assert.Equal(1, joiner.DroppedToolSpans);
    }

    [Fact]
    public void TakeDue_SeveralDecisions_ReleasedInArrivalOrder()
    {
        var joiner = new ToolCallJoiner(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 100);
        joiner.Add(SpanDecisionMapper.Map(Request(Decision("00000000000000a1", "x"), Decision("00000000000000a2", "y"))), T0);
        joiner.Add(SpanDecisionMapper.Map(Request(Decision("00000000000000a3", "z"))), T0.AddMilliseconds(10));

        string[] order = joiner.TakeDue(T0.AddSeconds(5)).Select(r => r.Event!.Outcome).ToArray();

        Assert.Equal(["x", "y", "z"], order);
    }

    [Fact]
    public void TakeDue_MoreDecisionsThanCapacity_ReleasesOldestEarly()
    {
        var joiner = new ToolCallJoiner(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30), 2);
        joiner.Add(SpanDecisionMapper.Map(Request(Decision("00000000000000a1", "x"), Decision("00000000000000a2", "y"), Decision("00000000000000a3", "z"))), T0);

        var released = joiner.TakeDue(T0);

        Assert.Equal("x", Assert.Single(released).Event!.Outcome);
        Assert.Equal(2, joiner.HeldCount);
    }

    [Fact]
    public void Add_SameDecisionSpanTwice_ReleasesOneEventAndAnswersBothTags()
    {
        var joiner = new ToolCallJoiner(TimeSpan.Zero, TimeSpan.FromSeconds(30), 100);
        joiner.Add(SpanDecisionMapper.Map(Request(Decision("00000000000000a1", "x"))), T0, "first");
        joiner.Add(SpanDecisionMapper.Map(Request(Decision("00000000000000a1", "x"))), T0, "retry");

        var released = joiner.TakeDue(T0);

        Assert.Single(released, r => r.Event is not null);
        Assert.Equal(["first", "retry"], released.Select(r => (string)r.Tag!));
    }

    [Fact]
    public void Add_OrphanToolSpansBeyondCapacity_DropsOldest()
    {
        var joiner = new ToolCallJoiner(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30), 2);
        joiner.Add(SpanDecisionMapper.Map(Request(
            Tool("00000000000000e1", "00000000000000a1", "t1"),
            Tool("00000000000000e2", "00000000000000a2", "t2"),
            Tool("00000000000000e3", "00000000000000a3", "t3"))), T0);

        Assert.Equal(1, joiner.DroppedToolSpans);
    }

    [Fact]
    public void TakeDue_ToolSpanUnderAnOrchestrationSpan_IsJoinedToTheDecisionAncestor()
    {
        var joiner = new ToolCallJoiner(TimeSpan.Zero, TimeSpan.FromSeconds(30), 100);
        var orchestrate = Span("00000000000000c1", "orchestrate_tools", 0.05, 300, parentHex: "00000000000000a1");
        var tool = Tool("00000000000000e1", "00000000000000c1", "lookup_order");
        joiner.Add(SpanDecisionMapper.Map(Request(tool, orchestrate, Decision("00000000000000a1", "billing"))), T0);

        DecisionEvent e = Assert.Single(joiner.TakeDue(T0)).Event!;

        Assert.Equal("lookup_order", Assert.Single(e.ToolCalls).Name);
    }

    [Fact]
    public void TakeDue_ToolAndOrchestrationSpanBeforeTheirDecision_AreJoinedWhenItArrives()
    {
        var joiner = new ToolCallJoiner(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), 100);
        var orchestrate = Span("00000000000000c1", "orchestrate_tools", 0.05, 300, parentHex: "00000000000000a1");
        joiner.Add(SpanDecisionMapper.Map(Request(Tool("00000000000000e1", "00000000000000c1", "refund"), orchestrate)), T0);
        joiner.Add(SpanDecisionMapper.Map(Request(Decision("00000000000000a1", "billing"))), T0.AddSeconds(1));

        DecisionEvent e = Assert.Single(joiner.TakeDue(T0.AddSeconds(5))).Event!;

        Assert.Equal("refund", Assert.Single(e.ToolCalls).Name);
    }
}
