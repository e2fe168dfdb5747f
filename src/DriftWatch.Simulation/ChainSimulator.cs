using System.Globalization;
using DriftWatch.Core.Events;
using DriftWatch.Simulation.Internal;

namespace DriftWatch.Simulation;

/// <summary>
/// A seeded chain of three agents linked by traces: <see cref="ChainOptions.Router"/> routes every ticket; the
/// tickets it sends to <see cref="ChainOptions.Responder"/> become the responder's decisions, and those the
/// responder hands to a tool become <see cref="ChainOptions.ToolAgent"/>'s. A ticket's decisions share one
/// trace id, each has its own span id, and each downstream decision names its feeding agent in
/// <c>parent_agent_id</c>. The same options always give the same events, in event-time order.
/// </summary>
public sealed class ChainSimulator
{
    private const ulong ChainStream = 0xC4A1;

    // Index-aligned with Catalog.Categories (billing, technical, account, shipping, returns, feedback).
    private static readonly double[] CategoryWeights = [0.22, 0.22, 0.16, 0.16, 0.14, 0.10];
    private static readonly double[] UrgencyWeights = [0.45, 0.35, 0.20];
    private static readonly double[] ChannelWeights = [0.45, 0.40, 0.15];

    /// <summary>Validates and copies <paramref name="options"/>.</summary>
    public ChainSimulator(ChainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = new ChainOptions
        {
            Seed = options.Seed,
            Tickets = options.Tickets,
            TicketsPerSecond = options.TicketsPerSecond,
            Start = options.Start,
            Environment = options.Environment,
            Drift = options.Drift,
            Onset = options.Onset,
        };
    }

    /// <summary>The (copied, validated) options.</summary>
    public ChainOptions Options { get; }

    /// <summary>The first ticket the drift applies to.</summary>
    public int OnsetTicket => Math.Min((int)Math.Floor(Options.Onset * Options.Tickets), Options.Tickets - 1);

    /// <summary>The chain's decision events in non-decreasing timestamp order; every enumeration yields the same sequence.</summary>
    public IEnumerable<DecisionEvent> Generate()
    {
        var rng = new SimRandom(SimRandom.Derive(Options.Seed, 0, ChainStream));
        var pending = new PriorityQueue<DecisionEvent, (long Ticks, long Order)>();
        long order = 0;
        double timeMs = 0;
        double meanGapMs = 1000.0 / Options.TicketsPerSecond;
        int onset = OnsetTicket;
        for (int ticket = 0; ticket < Options.Tickets; ticket++)
        {
            timeMs += rng.NextExponential(meanGapMs);
            var at = Options.Start.AddTicks((long)(timeMs * TimeSpan.TicksPerMillisecond));
            while (pending.TryPeek(out _, out var first) && first.Ticks <= at.UtcTicks)
            {
                yield return pending.Dequeue();
            }

            bool drifted = ticket >= onset;
            foreach (var decision in Ticket(rng, at, drifted))
            {
                pending.Enqueue(decision, (decision.Timestamp.UtcTicks, order++));
            }
        }

        while (pending.TryDequeue(out var decision, out _))
        {
            yield return decision;
        }
    }

    private List<DecisionEvent> Ticket(SimRandom rng, DateTimeOffset at, bool drifted)
    {
        int category = Pick(rng, CategoryWeights);
        int urgency = Pick(rng, UrgencyWeights);
        int channel = Pick(rng, ChannelWeights);
        var features = new Dictionary<string, string>(3)
        {
            [Catalog.Category] = Catalog.Categories[category],
            [Catalog.Urgency] = Catalog.Urgencies[urgency],
            [Catalog.Channel] = Catalog.Channels[channel],
        };
        string trace = Hex(rng.NextUInt64()) + Hex(rng.NextUInt64());
        var decisions = new List<DecisionEvent>(3);

        string route = Route(rng, category, urgency, drifted && Options.Drift == ChainDrift.Upstream);
        decisions.Add(Decision(rng, ChainOptions.Router, "route", route, at, trace, null, features));
        if (route != "responder")
        {
            return decisions;
        }

        at = at.AddMilliseconds(200 + 600 * rng.NextDouble());
        string reply = Reply(rng, category, urgency, drifted && Options.Drift == ChainDrift.Downstream);
        decisions.Add(Decision(rng, ChainOptions.Responder, "reply", reply, at, trace, ChainOptions.Router, features));
        if (reply != "use_tool")
        {
            return decisions;
        }

        at = at.AddMilliseconds(300 + 900 * rng.NextDouble());
        decisions.Add(Decision(rng, ChainOptions.ToolAgent, "act", Act(rng, category), at, trace, ChainOptions.Responder, features));
        return decisions;
    }

    // Healthy: a person takes most urgent tickets, the billing queue most billing ones, the responder the rest.
    // Upstream drift: most urgent tickets go to the responder.
    private static string Route(SimRandom rng, int category, int urgency, bool drifted)
    {
        double u = rng.NextDouble();
        if (urgency == 2)
        {
            double toResponder = drifted ? 0.85 : 0.15;
            return u < toResponder ? "responder" : u < toResponder + 0.05 ? "billing-queue" : "human";
        }

        return category == 0
            ? (u < 0.60 ? "billing-queue" : u < 0.95 ? "responder" : "human")
            : (u < 0.80 ? "responder" : u < 0.95 ? "human" : "billing-queue");
    }

    // Healthy: urgent, shipping and returns tickets mostly need a tool; the rest are answered.
    // Downstream drift: technical and account tickets get a clarifying question instead of an answer.
    private static string Reply(SimRandom rng, int category, int urgency, bool drifted)
    {
        double u = rng.NextDouble();
        var (tool, answer) = urgency == 2 ? (0.50, 0.30) : category is 3 or 4 ? (0.60, 0.30) : (0.10, 0.70);
        if (drifted && category is 1 or 2)
        {
            answer = 0.15;
        }

        return u < tool ? "use_tool" : u < tool + answer ? "answer" : "clarify";
    }

    private static string Act(SimRandom rng, int category)
    {
        double u = rng.NextDouble();
        return category switch
        {
            0 => u < 0.7 ? "issue_refund" : "lookup_order",
            3 or 4 => u < 0.6 ? "lookup_order" : u < 0.9 ? "issue_refund" : "create_ticket",
            _ => u < 0.7 ? "create_ticket" : "lookup_order",
        };
    }

    private DecisionEvent Decision(SimRandom rng, string agent, string name, string outcome, DateTimeOffset at, string trace, string? parent, Dictionary<string, string> features) => new()
    {
        EventId = rng.NextEventId(),
        AgentId = agent,
        AgentVersion = "2026.03.1",
        Environment = Options.Environment,
        Timestamp = at,
        DecisionName = name,
        Outcome = outcome,
        Confidence = Math.Round(Math.Clamp(0.8 + 0.08 * rng.NextGaussian(), 0, 1), 3),
        InputFeatures = features,
        Metrics = new Dictionary<string, double>(1) { ["latency_ms"] = Math.Round(rng.NextLogNormal(300, 0.3), 1) },
        TraceId = trace,
        SpanId = Hex(rng.NextUInt64()),
        ParentAgentId = parent,
    };

    private static int Pick(SimRandom rng, double[] weights)
    {
        double u = rng.NextDouble();
        for (int i = 0; i < weights.Length - 1; i++)
        {
            u -= weights[i];
            if (u < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static string Hex(ulong value) => value.ToString("x16", CultureInfo.InvariantCulture);
}
