using DriftWatch.Core.Events;
using DriftWatch.Core.Exemplars;

namespace DriftWatch.Core.Tests.Exemplars;

public sealed class ExemplarTests
{
    [Fact]
    public void Of_LongText_CutToTheLimitWithAnEllipsis()
    {
        var decision = Decision("e-1", new string('a', 500));

        var exemplar = Exemplar.Of(decision, new ExemplarOptions { MaxTextLength = 50 });

        Assert.Equal(50, exemplar.InputText!.Length);
        Assert.EndsWith("…", exemplar.InputText, StringComparison.Ordinal);
        Assert.Null(exemplar.OutputText);
    }

    [Fact]
    public void Truncate_CutInsideASurrogatePair_KeepsThePairWhole()
    {
        string text = new string('a', 18) + "😀" + new string('b', 10);

        string cut = Exemplar.Truncate(text, 20)!;

        Assert.Equal(new string('a', 18) + "…", cut);
    }

    [Fact]
    public void Offer_SameEventsInAnyOrder_SameSample()
    {
        var exemplars = Enumerable.Range(0, 200).Select(i => Exemplar.Of(Decision($"e-{i}", null), new ExemplarOptions())).ToList();
        var forward = new List<Exemplar>();
        var backward = new List<Exemplar>();

        foreach (var e in exemplars)
        {
            SegmentExemplars.Offer(forward, e, 3);
        }

        foreach (var e in Enumerable.Reverse(exemplars))
        {
            SegmentExemplars.Offer(backward, e, 3);
        }

        Assert.Equal(forward.Select(e => e.EventId).Order(), backward.Select(e => e.EventId).Order());
        Assert.Equal(exemplars.OrderBy(e => e.Rank).Take(3).Select(e => e.EventId).Order(), forward.Select(e => e.EventId).Order());
    }

    [Fact]
    public void Offer_RedeliveredEvent_SampledOnce()
    {
        var sample = new List<Exemplar>();
        var exemplar = Exemplar.Of(Decision("e-1", null), new ExemplarOptions());

        SegmentExemplars.Offer(sample, exemplar, 3);
        SegmentExemplars.Offer(sample, exemplar with { }, 3);

        Assert.Single(sample);
    }

    private static DecisionEvent Decision(string id, string? input) => new()
    {
        EventId = id,
        AgentId = "a",
        Timestamp = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero),
        DecisionName = "route",
        Outcome = "billing",
        InputText = input,
    };
}
